//! Backend errors, worded for a compliance officer, always with the request id to quote to
//! support. Server messages are passed through CPR redaction before they are kept.

use crate::core::cpr::redact_cprs;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    #[error(
        "{backend} cannot be reached ({detail}). Check the network or VPN, then retry.{tag}", detail = bare(detail), tag = request_tag(request_id))]
    Unreachable {
        backend: &'static str,
        request_id: String,
        detail: String,
    },
    #[error(
        "{backend} did not answer within {secs} s. Retry; if it keeps happening the service may be down.{tag}", tag = request_tag(request_id))]
    Timeout {
        backend: &'static str,
        request_id: String,
        secs: u64,
    },
    #[error("{backend} refused the credentials: {detail}.{tag}", detail = bare(detail), tag = request_tag(request_id))]
    Unauthorized {
        backend: &'static str,
        request_id: String,
        detail: String,
    },
    /// Nothing was sent: the session has no password yet (the operator types it). Not a
    /// refusal, so the backend is not reported as refusing anything.
    #[error(
        "{backend} is not logged in: no password yet (the console asks for it; scripts take the profile's password_env or password_cmd)."
    )]
    LoginNeeded { backend: &'static str },
    #[error("{backend} answered HTTP {status}{hint}.{tag}", hint = status_hint(*status), tag = request_tag(request_id))]
    Http {
        backend: &'static str,
        request_id: String,
        status: u16,
    },
    #[error("{backend} refused the request: {}.{tag}", bare(&messages.join("; ")), tag = request_tag(request_id))]
    Rejected {
        backend: &'static str,
        request_id: String,
        messages: Vec<String>,
        /// The first error's `extensions.code`, e.g. `DOCUMENT_CHANGED`.
        code: Option<String>,
    },
    #[error("{backend} is throttling requests (HTTP 429){}. Wait, then retry.{tag}", retry_after.map(|d| format!("; it asks to wait {} s", d.as_secs())).unwrap_or_default(), tag = request_tag(request_id))]
    Throttled {
        backend: &'static str,
        request_id: String,
        retry_after: Option<std::time::Duration>,
    },
    /// Something on this machine failed before anything was sent (a file, the audit log).
    #[error("{what}: {detail}")]
    Local { what: &'static str, detail: String },
    #[error(
        "{backend} sent an answer larger than {limit_mib} MiB and it was refused. If such answers are expected, raise {key} in the config's section for it.{tag}", tag = request_tag(request_id))]
    TooLarge {
        backend: &'static str,
        request_id: String,
        limit_mib: u64,
        /// The config key that raises the cap.
        key: &'static str,
    },
    #[error(
        "{backend} sent an answer that cannot be read ({detail}). Retry; if it happens again, report the request id.{tag}", detail = bare(detail), tag = request_tag(request_id))]
    Malformed {
        backend: &'static str,
        request_id: String,
        detail: String,
    },
}

/// " [request ID]" to quote to support; nothing when no request was made ("-").
fn request_tag(request_id: &str) -> String {
    match request_id {
        "-" | "" => String::new(),
        id => format!(" [request {id}]"),
    }
}

/// A server's message without its closing full stop, for a sentence that ends it ("..").
fn bare(s: &str) -> &str {
    s.trim_end().trim_end_matches('.')
}

fn status_hint(status: u16) -> &'static str {
    match status {
        403 => " (access denied: your account lacks the permission)",
        404 => " (not found: check the endpoint URL in the config)",
        429 => " (too many requests: wait a moment and retry)",
        500..=599 => " (a fault on the server: retry later)",
        _ => "",
    }
}

impl BackendError {
    /// A refusal's detail followed by what to do about it, as one sentence after another.
    pub fn advise(detail: &str, advice: &str) -> String {
        format!("{}. {advice}", detail.trim_end_matches('.'))
    }

    /// The operator can put this right by typing a password: never logged in, or refused.
    pub fn wants_login(&self) -> bool {
        matches!(
            self,
            BackendError::Unauthorized { .. } | BackendError::LoginNeeded { .. }
        )
    }

    pub fn request_id(&self) -> &str {
        match self {
            BackendError::Unreachable { request_id, .. }
            | BackendError::Timeout { request_id, .. }
            | BackendError::Unauthorized { request_id, .. }
            | BackendError::Http { request_id, .. }
            | BackendError::Rejected { request_id, .. }
            | BackendError::Throttled { request_id, .. }
            | BackendError::TooLarge { request_id, .. }
            | BackendError::Malformed { request_id, .. } => request_id,
            BackendError::Local { .. } | BackendError::LoginNeeded { .. } => "-",
        }
    }

    /// Whether the backend itself looks unreachable (for the status bar), as opposed to
    /// having refused one request.
    pub fn backend_down(&self) -> bool {
        matches!(
            self,
            BackendError::Unreachable { .. }
                | BackendError::Timeout { .. }
                | BackendError::Throttled { .. }
        ) || matches!(self, BackendError::Http { status, .. } if *status >= 500)
    }

    /// A short name for logs: server messages stay out of the log file.
    pub fn kind(&self) -> &'static str {
        match self {
            BackendError::Unreachable { .. } => "unreachable",
            BackendError::Timeout { .. } => "timeout",
            BackendError::Unauthorized { .. } => "unauthorized",
            BackendError::LoginNeeded { .. } => "login_needed",
            BackendError::Http { .. } => "http",
            BackendError::Rejected { .. } => "rejected",
            BackendError::Throttled { .. } => "throttled",
            BackendError::TooLarge { .. } => "too_large",
            BackendError::Malformed { .. } => "malformed",
            BackendError::Local { .. } => "local",
        }
    }

    /// Worth resending unchanged: the request may not have arrived, or its answer was lost.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            BackendError::Unreachable { .. }
                | BackendError::Timeout { .. }
                | BackendError::Throttled { .. }
        ) || matches!(
            self,
            BackendError::Http {
                status: 502..=504,
                ..
            }
        )
    }

    /// The server's error code, for refusals that need specific handling.
    pub fn code(&self) -> Option<&str> {
        match self {
            BackendError::Rejected { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// A server message, made safe to show and log: CPR numbers masked, and through
    /// `sanitize` (no control, bidi or zero-width character, one line).
    pub fn server_message(raw: &str) -> String {
        let mut s = redact_cprs(crate::sanitize::line(raw).trim());
        if s.chars().count() > 200 {
            s = s.chars().take(200).collect::<String>() + "…";
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_message_ending_in_a_full_stop_makes_no_double_stop() {
        let refused = BackendError::Unauthorized {
            backend: "Unioo",
            request_id: "r".into(),
            detail: "Token expired.".into(),
        };
        let rejected = BackendError::Rejected {
            backend: "Unioo",
            request_id: "r".into(),
            messages: vec!["Document already decided.".into()],
            code: None,
        };
        for e in [refused, rejected] {
            let text = e.to_string();
            assert!(!text.contains(".."), "{text}");
            assert!(text.contains("expired. [request") || text.contains("decided. [request"));
        }
        // No request was made: nothing to quote.
        let local = BackendError::Rejected {
            backend: "Audit log",
            request_id: "-".into(),
            messages: vec!["the audit log cannot be written".into()],
            code: None,
        };
        assert_eq!(
            local.to_string(),
            "Audit log refused the request: the audit log cannot be written."
        );
    }

    #[test]
    fn messages_carry_the_request_id_and_no_cpr() {
        let e = BackendError::Rejected {
            backend: "Unioo",
            request_id: "ab12cd34".into(),
            messages: vec![BackendError::server_message("no user with ssn 2110620629")],
            code: None,
        };
        let text = e.to_string();
        assert!(text.contains("[request ab12cd34]"), "{text}");
        assert!(
            text.contains("211062-****") && !text.contains("0629"),
            "{text}"
        );
        assert_eq!(e.request_id(), "ab12cd34");
    }

    #[test]
    fn down_means_unreachable_or_server_fault() {
        let t = BackendError::Timeout {
            backend: "Unioo",
            request_id: "x".into(),
            secs: 5,
        };
        assert!(t.backend_down());
        let r = BackendError::Http {
            backend: "Unioo",
            request_id: "x".into(),
            status: 403,
        };
        assert!(!r.backend_down());
        assert!(r.to_string().contains("access denied"));
    }
}
