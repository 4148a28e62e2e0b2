import CrawlerApp
import FeedModel
import Foundation

// Every command writes through these two: titles, links, ETags, page links and error messages
// come from servers, and `ESC ]0;...BEL` in one would retitle the terminal, `ESC [2J` clear it,
// U+202E reverse the line. As in log lines, such scalars are written as `\uXXXX` (JSON output
// stays the same JSON: they occur only inside its strings, where `\uXXXX` means the same), and
// passwords are redacted.

func printOutput(_ text: String) {
    print(TerminalText.escapingControls(SecretRedaction.redact(text)))
}

func printError(_ message: String) {
    StandardError.write(TerminalText.escapingControls(SecretRedaction.redact(message)) + "\n")
}
