//! The audit trail's call: read the log and check its chain.

use crate::app::backends::{Backends, audit_refusal};
use crate::backends::BackendError;

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
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
