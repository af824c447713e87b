//! What flows into `update` (actions) and out of it (effects).

use crate::backends::BackendError;
use crate::core::*;
use crossterm::event::KeyEvent;
use std::time::Instant;
use uuid::Uuid;

pub type RequestId = u64;

#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick(Instant),
    Loaded {
        req: RequestId,
        result: Result<Payload, BackendError>,
    },
}

#[derive(Debug)]
pub enum Payload {
    Search(Vec<PersonSummary>),
    Person(Option<Box<Person>>),
    Users(Page<PersonSummary>),
    Employees(Page<Employee>),
    Document(Option<DocumentFile>),
}

/// A backend call the runner makes on the app's behalf.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    FindByCpr(Cpr),
    Person(Uuid),
    Users { after: Option<String>, sort: Sort },
    Employees { after: Option<String>, sort: Sort },
    Document { user: Uuid, kind: DocumentKind },
}

impl Call {
    /// What the status bar says while it runs.
    pub fn describe(&self) -> &'static str {
        match self {
            Call::FindByCpr(_) => "searching",
            Call::Person(_) => "loading person",
            Call::Users { .. } => "loading users",
            Call::Employees { .. } => "loading employees",
            Call::Document { .. } => "loading document",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Call { req: RequestId, call: Call },
    Cancel(RequestId),
    Quit,
}
