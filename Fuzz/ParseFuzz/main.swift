// libFuzzer entry over the whole parser: any bytes, with and without an HTTP charset.
// Built by scripts/fuzz-parse.sh, not by SwiftPM (it has no main of its own).
import Parse

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParse(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The first byte picks the HTTP charset, so the fuzzer explores the encoding paths too.
    let charsets: [String?] = [nil, "utf-8", "gbk", "big5", "shift_jis", "iso-8859-1", "windows-1252", "utf-16",
                               "koi8-r", "bogus", "utf-32"]
    let charset = charsets[Int(bytes.first ?? 0) % charsets.count]
    _ = try? FeedParser.parse(bytes, url: "https://fuzz.example/feed/", httpCharset: charset)
    return 0
}
