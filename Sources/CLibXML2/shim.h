#ifndef CRAWLER_CLIBXML2_SHIM_H
#define CRAWLER_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, whose headers clash with Foundation's copy of ICU.
// We never touch the ICU fields of libxml2's structs, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/encoding.h>
#include <libxml/parserInternals.h>  // xmlSwitchToEncoding, for the SAX stream
#include <libxml/SAX2.h>              // xmlSAXVersion
#include <stdio.h>                    // snprintf

// libxml2 prints recoverable errors to stderr by default; feeds are full of them,
// and the parser reports what matters through its own results instead.
static void crawler_xml_silent_error(void *context, const char *message, ...) {
    (void)context; (void)message;
}
static inline void crawler_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, crawler_xml_silent_error);
    xmlSetStructuredErrorFunc(NULL, NULL);
}
// The first fatal error of a parse: libxml2 keeps only the last, and recovering from a broken
// document makes more errors up to its end, far from where it broke.
typedef struct {
    int set;
    int line;
    char message[256];
} crawler_xml_first_error;

static void crawler_xml_keep_first_error(void *data, xmlErrorPtr error) {
    xmlParserCtxtPtr context = (xmlParserCtxtPtr)data;
    crawler_xml_first_error *first = context != NULL ? (crawler_xml_first_error *)context->_private : NULL;
    if (first == NULL || first->set || error == NULL || error->level != XML_ERR_FATAL) return;
    first->set = 1;
    first->line = error->line;
    snprintf(first->message, sizeof first->message, "%s", error->message != NULL ? error->message : "");
}
// The handler gets the context as its data (libxml2 passes ctxt->userData, the context itself
// unless a SAX user set it), so the record rides in the context's _private field.
static inline void crawler_xml_keep_first_error_in(xmlParserCtxtPtr context, crawler_xml_first_error *first) {
    context->_private = first;
    context->sax->serror = crawler_xml_keep_first_error;
}
// xmlFree is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void crawler_xml_free(void *pointer) {
    xmlFree(pointer);
}
#endif
