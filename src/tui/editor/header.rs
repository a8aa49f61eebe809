//! What HTTP can carry as a header (RFC 9110): the editor refuses a header
//! name or value that the client could not send, before anything goes.

/// A header name is a token (RFC 9110 §5.1, §5.6.2).
pub fn header_name_refusal(name: &str) -> Option<String> {
    let bad = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)));
    if name.is_empty() {
        return Some("a header needs a name".into());
    }
    bad.map(|c| {
        format!("HTTP cannot carry {c:?} in a header name: letters, digits and !#$%&'*+-.^_`|~ only (RFC 9110 §5.6.2)")
    })
}

/// A header value is visible ASCII, spaces and tabs (RFC 9110 §5.5; other
/// octets are obsolete, and control characters would end the header).
pub fn header_value_refusal(value: &str) -> Option<String> {
    value
        .chars()
        .find(|&c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
        .map(|c| {
            format!("HTTP cannot carry {c:?} in a header value: visible ASCII and spaces only (RFC 9110 §5.5)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_visible_ascii_pass_others_are_named() {
        assert_eq!(header_name_refusal("X-Demo"), None);
        assert!(header_name_refusal("bad name").unwrap().contains("' '"));
        assert!(header_name_refusal("").is_some());
        assert_eq!(header_value_refusal("Bearer a.b-c_d~"), None);
        assert!(header_value_refusal("é").unwrap().contains("'é'"));
        assert!(header_value_refusal("a\u{7f}").is_some());
    }
}
