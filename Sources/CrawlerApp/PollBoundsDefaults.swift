internal import Schedule

enum PollBoundsDefaults {
    static let failingAfter = PollBounds(interval: 1800).failingAfter
}
