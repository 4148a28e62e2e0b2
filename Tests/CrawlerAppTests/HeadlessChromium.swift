import Foundation

/// Debian's `chromium`, headless, opening one page of same-origin frames (one document each)
/// and returning once every frame has loaded and its timers have run.
struct HeadlessChromium {
    let executable: String

    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case timedOut(seconds: Int)
        case exited(Int32, String)

        var description: String {
            switch self {
            case .notInstalled:
                return "headless Chromium is needed for this test: apt-get install -y chromium (or set CRAWLER_TEST_CHROMIUM)"
            case .timedOut(let seconds): return "chromium did not finish within \(seconds) s"
            case .exited(let status, let stderr): return "chromium exited with status \(status): \(stderr.suffix(800))"
            }
        }
    }

    init() throws(Failure) {
        // CRAWLER_TEST_CHROMIUM, when set, is the only candidate.
        let candidates = ProcessInfo.processInfo.environment["CRAWLER_TEST_CHROMIUM"].map { [$0] }
            ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw .notInstalled
        }
        executable = found
    }

    /// Loads `url` with a throwaway profile in `profile`; gives the page `budgetMilliseconds` of
    /// virtual time after loading (timers, animations, frame navigations).
    func load(_ url: String, profile: String, budgetMilliseconds: Int = 5_000, timeout: Int = 150) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-extensions", "--disable-background-networking", "--mute-audio",
                             "--user-data-dir=" + profile, "--virtual-time-budget=\(budgetMilliseconds)",
                             "--dump-dom", url]
        process.standardOutput = FileHandle.nullDevice
        // A file, not a pipe: chromium's child processes may hold the pipe open after it exits.
        let log = profile + ".stderr"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = Date().addingTimeInterval(Double(timeout))
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            throw Failure.timedOut(seconds: timeout)
        }
        guard process.terminationStatus == 0 else {
            let stderr = FileManager.default.contents(atPath: log) ?? Data()
            throw Failure.exited(process.terminationStatus, String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Put before a document's text: once the page has loaded it calls every `on*` handler the
    /// browser compiled from an attribute, and clicks (or submits) every element with an
    /// attribute the browser reads as a `javascript:` URL, so vectors that wait for a user run too.
    /// It sits first so that markup which swallows the rest of the page cannot swallow it.
    static let interactionScript = """
        <script>
        addEventListener('load', function () {
          setTimeout(function () {
            for (const el of document.querySelectorAll('*')) {
              for (const attr of Array.from(el.attributes)) {
                const name = attr.name.toLowerCase();
                if (name.startsWith('on')) {
                  let handler = null;
                  try { handler = el[name]; } catch (e) {}
                  if (typeof handler === 'function') { try { handler.call(el, new Event(name.slice(2))); } catch (e) {} }
                }
                if (isJavaScript(attr.value)) activate(el);
              }
              if (el.href && el.href.animVal !== undefined && isJavaScript(el.href.animVal)) activate(el);
            }
          }, 100);
        }, { once: true });
        function isJavaScript(value) {
          try { return new URL(value, document.baseURI).protocol === 'javascript:'; } catch (e) { return false; }
        }
        function activate(el) {
          if (el instanceof HTMLFormElement) { try { el.requestSubmit(); } catch (e) {} return; }
          el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
        }
        </script>

        """
}
