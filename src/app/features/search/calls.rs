//! The search's calls: one backend's part in a federated search.

use crate::app::backends::Backends;
use crate::backends::BackendError;

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
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
