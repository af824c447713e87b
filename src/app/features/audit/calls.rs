//! The audit trail's call: read the log and check its chain.

use crate::app::backends::{Backends, audit_refusal};
use crate::backends::BackendError;

/// Reads only: nothing here serializes (four-eyes proposals carry changes).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    Load,
}

#[derive(Debug)]
pub enum Payload {
    Loaded {
        records: Vec<crate::audit::Record>,
        verified: Result<usize, String>,
    },
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        match self {
            // Reading the audit trail is itself on it (PCI DSS 10.2.1.3).
            Call::Load => Some(crate::audit::Event::read(
                "Audit log",
                "audit.view",
                Vec::new(),
            )),
        }
    }

    /// The version of the target the officer saw, where the change names one (a four-eyes
    /// proposal is void when the target moved on).
    pub fn seen_version(&self) -> Option<String> {
        None
    }

    /// The audit event of a change (what four-eyes checks and the checker's log records);
    /// `None` for a read.
    pub fn audit_mut(&mut self) -> Option<&mut crate::audit::Event> {
        None
    }

    /// Sends the change with `key` as its idempotency key (a confirmed proposal's), where the
    /// API takes one.
    pub fn rekey(&mut self, key: &str) {
        let _ = key;
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::Load => "reading audit log",
        }
    }

    /// Work on this machine: no backend's health.
    pub fn backend(&self) -> Option<&'static str> {
        None
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    match call {
        Call::Load => load(b).await,
    }
}

async fn load(b: &Backends) -> Result<Payload, BackendError> {
    let path = b.audit.path();
    let read = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let Some(path) = path else {
            return Ok((Vec::new(), Ok(0)));
        };
        if !path.exists() {
            return Ok((Vec::new(), Ok(0)));
        }
        // Never a device or a pipe: those never end.
        let mut text = String::new();
        crate::audit::open_regular(&path)
            .and_then(|mut f| std::io::Read::read_to_string(&mut f, &mut text))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let records = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let verified = crate::audit::verify_text(&text).map_err(|e| e.to_string());
        Ok((records, verified))
    })
    .await
    .map_err(|e| audit_refusal(e.to_string()))?
    .map_err(audit_refusal)?;
    Ok(Payload::Loaded {
        records: read.0,
        verified: read.1,
    })
}
