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
    /// Document bytes, and the image decoded from them when they are one.
    Document {
        file: Option<DocumentFile>,
        image: Option<std::sync::Arc<image::DynamicImage>>,
    },
    Queue(Page<ReviewItem>),
    Decided(ReviewItem),
    /// The reveal was written to the audit log: the number may be shown.
    Revealed,
    Audit {
        records: Vec<crate::audit::Record>,
        verified: Result<usize, String>,
    },
    EmployeeCreated(Box<Employee>),
}

/// A backend call the runner makes on the app's behalf.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    FindByCpr(Cpr),
    Person(Uuid),
    Users {
        after: Option<String>,
        sort: Sort,
    },
    Employees {
        after: Option<String>,
        sort: Sort,
    },
    Document {
        user: Uuid,
        kind: DocumentKind,
    },
    ReviewQueue {
        after: Option<String>,
        kind: Option<DocumentKind>,
    },
    /// Audited: intent before sending, outcome after.
    Decide {
        decision: Box<Decision>,
        audit: Box<crate::audit::Event>,
    },
    /// Audited before the number is shown.
    Reveal {
        audit: Box<crate::audit::Event>,
    },
    LoadAudit,
    /// Audited: intent before sending, outcome after.
    CreateEmployee {
        email: String,
        first_name: Option<String>,
        last_name: Option<String>,
        audit: Box<crate::audit::Event>,
    },
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
            Call::ReviewQueue { .. } => "loading review queue",
            Call::Decide { .. } => "sending decision",
            Call::Reveal { .. } => "recording reveal",
            Call::LoadAudit => "reading audit log",
            Call::CreateEmployee { .. } => "creating employee",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Call { req: RequestId, call: Call },
    Cancel(RequestId),
    Quit,
}
