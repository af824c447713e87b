//! The search's calls: one backend's part in a federated search.

use crate::app::backends::Backends;
use crate::backends::BackendError;

/// Reads only: nothing here serializes (four-eyes proposals carry changes).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    #[serde(skip)]
    /// One backend asked for the query.
    Ask {
        source: crate::search::Source,
        query: crate::search::Query,
    },
}

#[derive(Debug)]
pub enum Payload {
    /// One backend's answer.
    Hits(crate::search::sources::Answer),
}

impl Call {
    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        match self {
            Call::Ask { source, query } => {
                let mut e = crate::audit::Event::read(
                    source.name(),
                    "person.search",
                    vec![query.recorded()],
                );
                if let crate::search::Query::Cpr(c) = query {
                    e.cpr_masked = Some(c.masked());
                }
                Some(e)
            }
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
            Call::Ask { .. } => "searching",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        match self {
            Call::Ask { source, .. } => Some(source.name()),
        }
    }
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    Ok(match call {
        Call::Ask { source, query } => Payload::Hits(b.sources().search(source, &query).await?),
    })
}
