// sanitize-bench: the cost of HTMLSanitizer per item body, release build.
//   swift build -c release --product sanitize-bench
//   .build/release/sanitize-bench [ROUNDS] FILE...
// A FILE that is a stored document (the golden ones) gives its body, braces unescaped; any other
// FILE is one body as it is. Prints, per file, the bytes, whether the bytes were kept, and the
// median over ROUNDS of the CPU time per sanitize call.
import Foundation
import Sanitize

func body(of text: String) -> String {
    guard let start = text.range(of: "<div>   \n"), let end = text.range(of: "  \n</div>", options: .backwards)
    else { return text }
    return String(text[start.upperBound..<end.lowerBound])
        .replacingOccurrences(of: "&#123;", with: "{").replacingOccurrences(of: "&#125;", with: "}")
}

/// CPU time, not wall time: the machine is shared.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

var arguments = Array(CommandLine.arguments.dropFirst())
var rounds = 7
if let first = arguments.first, let number = Int(first) {
    rounds = number
    arguments.removeFirst()
}
let sanitizer = HTMLSanitizer()
for path in arguments {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(1)
    }
    let html = body(of: String(decoding: data, as: UTF8.self))
    let calls = max(1, 2_000_000 / max(html.utf8.count, 1))
    var perCall: [Double] = []
    var kept = false
    for _ in 0..<rounds {
        let start = cpuSeconds()
        for _ in 0..<calls { kept = sanitizer.sanitize(html) == html }
        perCall.append((cpuSeconds() - start) / Double(calls))
    }
    let median = perCall.sorted()[perCall.count / 2]
    print(String(format: "%@\t%d bytes\t%@\t%.1f µs per body", (path as NSString).lastPathComponent,
                 html.utf8.count, kept ? "kept" : "rebuilt", median * 1e6))
}
