/// A kept validator as a person reads it. Validators are kept a byte to a scalar (ISO-8859-1) so
/// that each goes back as it came (`HeaderText.validator`); most servers that send bytes above
/// 0x7F send UTF-8, which that reading shows as `"cafÃ©"`.
public enum ValidatorText {
    /// The validator's bytes as UTF-8 when they are UTF-8, else as they are kept.
    public static func shown(_ value: String) -> String {
        String(validating: HeaderText.validatorBytes(value), as: UTF8.self) ?? value
    }
}
