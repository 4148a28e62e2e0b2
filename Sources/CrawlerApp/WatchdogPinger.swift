/// Pings systemd's watchdog at half its interval, as systemd recommends; does nothing when the
/// service has no watchdog.
struct WatchdogPinger {
    private let notifier: SystemdNotifier
    private let interval: Double?
    private var lastPing = WallClock.milliseconds()

    init(notifier: SystemdNotifier, environment: [String: String]) {
        self.notifier = notifier
        interval = SystemdNotifier.watchdogInterval(environment: environment)
    }

    mutating func pingIfDue() {
        guard let interval, Double(WallClock.milliseconds() - lastPing) >= interval * 500 else { return }
        notifier.watchdog()
        lastPing = WallClock.milliseconds()
    }
}
