//! Redirect URI rules: what may be registered (OAuth 2.1 §2.3, §8.4.2; MCP
//! authorization: localhost or HTTPS) and how a request's URI is matched
//! against the registered ones (exact string comparison, RFC 3986 §6.2.1,
//! except the port of a loopback IP, OAuth 2.1 §8.4.2, SPEC.md AS-1/AS-2).
//!
//! By default only loopback `http` and reverse-domain private-use schemes
//! (SPEC.md AS-5) may be registered: both reach an app on the learner's own
//! machine. This server authenticates nobody, so an `https` redirect URI on
//! any host would let anyone register `https://evil.example/` and use the
//! error redirect as an open redirector (OAuth 2.1 §7.13.2); `https` is
//! allowed only when the server is started with the option for it.

use url::{Host, Url};

/// Why a redirect URI cannot be registered; `allow_https` admits `https`
/// URIs on any host.
pub(crate) fn registration_problem(uri: &str, allow_https: bool) -> Option<String> {
    let Ok(url) = Url::parse(uri) else {
        return Some(format!(
            "redirect URI {uri} is not an absolute URI (OAuth 2.1 section 2.3)"
        ));
    };
    if url.fragment().is_some() {
        return Some(format!(
            "redirect URI {uri} has a fragment (OAuth 2.1 section 2.3)"
        ));
    }
    match url.scheme() {
        "https" if allow_https => None,
        "https" => Some(format!(
            "redirect URI {uri}: this server registers loopback (http://127.0.0.1, http://[::1], http://localhost) and reverse-domain private-use redirect URIs; https ones only when started with --allow-https-redirects (OAuth 2.1 section 7.13.2)"
        )),
        "http" if is_loopback(&url) => None,
        "http" => Some(format!(
            "redirect URI {uri} uses http on a host that is not loopback (OAuth 2.1 section 8.4.2; MCP: localhost or HTTPS only)"
        )),
        scheme if scheme.contains('.') => None,
        scheme => Some(format!(
            "redirect URI {uri} uses the private-use scheme {scheme} without a reverse-domain name (OAuth 2.1 section 2.3.1)"
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether a requested redirect URI matches a registered one.
pub(crate) fn matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    // The only exception to exact matching: a loopback redirect URI's port
    // may vary (OAuth 2.1 §8.4.2).
    let (Ok(reg), Ok(req)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    reg.scheme() == "http"
        && is_loopback(&reg)
        && without_port(registered, &reg) == without_port(requested, &req)
}

/// The URI as sent, with the port removed from its authority, so that
/// everything else is still compared as the exact string.
fn without_port(original: &str, url: &Url) -> Option<String> {
    let Some(port) = url.port() else {
        return Some(original.to_owned());
    };
    let host = url.host_str()?;
    let with_port = format!("{host}:{port}");
    original
        .find(&with_port)
        .map(|at| {
            format!(
                "{}{}{}",
                &original[..at],
                host,
                &original[at + with_port.len()..]
            )
        })
        .or_else(|| Some(original.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_port_may_vary_and_nothing_else() {
        let reg = "http://127.0.0.1:33418/callback";
        assert!(matches(reg, "http://127.0.0.1:50000/callback"));
        assert!(matches(reg, "http://127.0.0.1/callback"));
        assert!(!matches(reg, "http://127.0.0.1:50000/callback/"));
        assert!(!matches(reg, "http://127.0.0.2:50000/callback"));
        assert!(!matches(reg, "http://127.0.0.1:50000/other"));
        assert!(!matches(
            "https://app.example/cb",
            "https://app.example:444/cb"
        ));
        assert!(!matches(
            "https://app.example/cb",
            "https://app.example/cb/"
        ));
    }

    #[test]
    fn registration_rules() {
        for allow_https in [false, true] {
            let problem = |uri| registration_problem(uri, allow_https);
            assert!(problem("http://127.0.0.1/callback").is_none());
            assert!(problem("http://[::1]:8080/cb").is_none());
            assert!(problem("http://localhost:8080/cb").is_none());
            assert!(problem("com.example.app:/cb").is_none());
            assert!(problem("http://evil.example/cb").is_some());
            assert!(problem("http://localhost.evil.example/cb").is_some());
            assert!(problem("https://app.example/cb#frag").is_some());
            assert!(problem("/relative").is_some());
            assert!(problem("myapp:/cb").is_some());
            assert!(problem("javascript:alert(1)").is_some());
        }
        assert!(registration_problem("https://app.example/cb", false).is_some());
        assert!(registration_problem("https://app.example/cb", true).is_none());
    }
}
