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

// libxml2 prints recoverable errors to stderr by default; feeds are full of them,
// and the parser reports what matters through its own results instead.
static void crawler_xml_silent_error(void *context, const char *message, ...) {
    (void)context; (void)message;
}
static inline void crawler_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, crawler_xml_silent_error);
    xmlSetStructuredErrorFunc(NULL, NULL);
}
// xmlFree is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void crawler_xml_free(void *pointer) {
    xmlFree(pointer);
}
#endif
