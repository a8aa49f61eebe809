//! Reading a `WWW-Authenticate` header (RFC 9110 §11.6.1): the parameters
//! of its `Bearer` challenge (RFC 6750 §3), where an MCP client finds
//! `resource_metadata` (RFC 9728 §5.1) and the `scope` to ask for.
//!
//! `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, with
//! `auth-param = token BWS "=" BWS ( token / quoted-string )`; a header may
//! hold several challenges separated by commas. Nothing here panics on a
//! malformed header: what cannot be read is left out.

/// The parameters of the `Bearer` challenge, in order, names lower-cased
/// (RFC 9110: parameter names are case-insensitive); empty when there is
/// no `Bearer` challenge.
pub fn bearer_params(header: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut in_bearer = false;
    for item in items(header) {
        match item {
            Item::Scheme(scheme) => in_bearer = scheme.eq_ignore_ascii_case("bearer"),
            Item::Param(name, value) if in_bearer => {
                params.push((name.to_ascii_lowercase(), value));
            }
            Item::Param(..) => {}
        }
    }
    params
}

/// The value of one parameter of the `Bearer` challenge.
pub fn bearer_param(header: &str, name: &str) -> Option<String> {
    bearer_params(header)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A piece of the header: a scheme opening a challenge, or a parameter.
enum Item {
    Scheme(String),
    Param(String, String),
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Splits the header into schemes and parameters.
fn items(header: &str) -> Vec<Item> {
    let chars: Vec<char> = header.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    let skip = |i: &mut usize, what: &dyn Fn(char) -> bool| {
        while *i < chars.len() && what(chars[*i]) {
            *i += 1;
        }
    };
    while i < chars.len() {
        skip(&mut i, &|c| c == ' ' || c == '\t' || c == ',');
        let start = i;
        skip(&mut i, &|c| is_tchar(c) || c == '/');
        if i == start {
            // Not a token: skip the character rather than loop on it.
            i += 1;
            continue;
        }
        let word: String = chars[start..i].iter().collect();
        let mut j = i;
        skip(&mut j, &|c| c == ' ' || c == '\t');
        if j < chars.len() && chars[j] == '=' {
            j += 1;
            skip(&mut j, &|c| c == ' ' || c == '\t');
            let (value, end) = value_at(&chars, j);
            items.push(Item::Param(word, value));
            i = end;
        } else {
            // A token68 after a scheme (`Basic abc==`) reads as odd
            // parameters of that scheme; `Bearer` challenges carry none.
            items.push(Item::Scheme(word));
            i = j;
        }
    }
    items
}

/// A token or a quoted-string starting at `at`, unquoted, and where it ends.
fn value_at(chars: &[char], at: usize) -> (String, usize) {
    if chars.get(at) == Some(&'"') {
        let mut value = String::new();
        let mut i = at + 1;
        while i < chars.len() {
            match chars[i] {
                '\\' if i + 1 < chars.len() => {
                    value.push(chars[i + 1]);
                    i += 2;
                }
                '"' => return (value, i + 1),
                c => {
                    value.push(c);
                    i += 1;
                }
            }
        }
        (value, i)
    } else {
        let end = chars[at..]
            .iter()
            .position(|c| !(is_tchar(*c) || *c == '/'))
            .map_or(chars.len(), |p| at + p);
        (chars[at..end].iter().collect(), end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bearer_challenge_of_an_mcp_401() {
        let header = r#"Bearer scope="mcp", resource_metadata="http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp""#;
        assert_eq!(bearer_param(header, "scope").as_deref(), Some("mcp"));
        assert_eq!(
            bearer_param(header, "resource_metadata").as_deref(),
            Some("http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp")
        );
    }

    #[test]
    fn other_schemes_escapes_and_tokens() {
        let header = r#"Basic realm="x", Bearer error=invalid_token, error_description="a \"quoted\" word", Scope="s""#;
        assert_eq!(bearer_param(header, "realm"), None);
        assert_eq!(
            bearer_param(header, "error").as_deref(),
            Some("invalid_token")
        );
        assert_eq!(
            bearer_param(header, "error_description").as_deref(),
            Some("a \"quoted\" word")
        );
        assert_eq!(bearer_param(header, "scope").as_deref(), Some("s"));
        assert!(bearer_params("Basic abc==, Bearer").is_empty());
    }

    #[test]
    fn malformed_headers_give_what_can_be_read() {
        for header in [
            "",
            "=",
            "\"",
            "Bearer =\"",
            "Bearer a=\"unclosed",
            ",,,",
            "Bearer @@@ x=1",
        ] {
            let _ = bearer_params(header);
        }
        assert_eq!(
            bearer_param("Bearer a=\"unclosed", "a").as_deref(),
            Some("unclosed")
        );
    }
}
