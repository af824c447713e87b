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
    /// A running import's progress (its final result arrives as `Loaded`).
    ImportProgress {
        req: RequestId,
        progress: crate::onboarding::upload::Progress,
    },
    /// The `unlock_cmd` ended: `Ok` when it exited 0, else why not.
    Unlocked(Result<(), String>),
}

#[derive(Debug)]
pub enum Payload {
    /// A sheet written; `path` as the toast shows it.
    Exported {
        path: std::path::PathBuf,
        rows: usize,
    },
    /// One backend's answer to a search.
    Hits(crate::search::sources::Answer),
    Person(Option<Box<Person>>),
    Users(Page<PersonSummary>),
    Employees(Page<Employee>),
    /// Document bytes, and the image decoded from them when they are one.
    Document {
        file: Option<DocumentFile>,
        image: Option<std::sync::Arc<image::DynamicImage>>,
        /// Why an image was not decoded: larger than the console decodes.
        image_refused: Option<String>,
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
    Companies(Page<Company>),
    Departments(Page<Department>),
    ClientEmployees(Page<ClientEmployee>),
    Found(Found),
    Onboarded(Changed),
    LoggedIn,
    PlatformUsers(Page<crate::core::platform::PlatformUser>),
    EndUsers(Page<crate::core::investing::EndUser>),
    EndUserDetail(Box<crate::core::investing::EndUserDetail>),
    /// A change went through; the user as they are now, when the API says.
    EndUserChanged(Option<Box<crate::core::investing::EndUser>>),
    PlatformChanged(Box<crate::core::platform::PlatformUser>),
    BankUsers(Page<crate::core::banking::BankUser>),
    BankUser(Box<crate::core::banking::BankUser>),
    /// A bunq update went through; the user as bunq now has them.
    BankUserChanged(Box<crate::core::banking::BankUser>),
    /// A CSV file read and checked; nothing sent yet.
    ImportChecked(Box<crate::onboarding::run::Checked>),
    Imported(crate::onboarding::run::Report),
}

/// A password typed by the operator. Compares equal only to itself, for tests of `update`.
#[derive(Clone)]
pub struct Password(pub secrecy::SecretString);

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret;
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A backend call the runner makes on the app's behalf.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// One backend's part in a search.
    Search {
        source: crate::search::Source,
        query: crate::search::Query,
    },
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
    /// Writes a sheet to a file.
    Export {
        /// Where the operator asked (relative: in `dir`); `None`: a name made from the sheet
        /// and the time, in `dir`.
        path: Option<std::path::PathBuf>,
        /// The profile's export directory.
        dir: Option<std::path::PathBuf>,
        /// `:export!`: an existing file at `path` is replaced; otherwise it is refused.
        replace: bool,
        format: super::export::Format,
        sheet: Box<super::export::Sheet>,
    },
    Companies {
        after: Option<String>,
    },
    Departments {
        company_id: String,
        company: Locator,
        after: Option<String>,
    },
    ClientEmployees {
        department: Box<Department>,
        after: Option<String>,
    },
    FindExternalId(String),
    /// Audited: intent before sending, outcome after.
    Onboard {
        change: Box<Change>,
        audit: Box<crate::audit::Event>,
    },
    HealthmovLogin(Password),
    PlatformUsers {
        offset: usize,
    },
    EndUsers {
        offset: usize,
    },
    EndUser(String),
    BankUsers {
        older_id: Option<String>,
        loaded: usize,
    },
    BankUser(u64),
    /// Audited: intent before sending, outcome after.
    ChangeBankUser {
        id: u64,
        update: Box<crate::core::banking::BankUserUpdate>,
        audit: Box<crate::audit::Event>,
    },
    /// Audited: intent before sending, outcome after.
    ChangeEndUser {
        change: Box<crate::core::investing::EndUserChange>,
        audit: Box<crate::audit::Event>,
    },
    /// Audited: intent before sending, outcome after.
    ChangePlatformUser {
        change: Box<crate::core::platform::PlatformChange>,
        audit: Box<crate::audit::Event>,
    },
    /// Reads and checks a CSV file; sends nothing.
    CheckImport {
        path: std::path::PathBuf,
        department_given: bool,
    },
    /// Audited as one action; progress comes as `Action::ImportProgress`.
    Import {
        checked: Box<crate::onboarding::run::Checked>,
        company_id: String,
        department_id: Option<String>,
        audit: Box<crate::audit::Event>,
    },
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
            Call::Search { .. } => "searching",
            Call::Person(_) => "loading person",
            Call::Users { .. } => "loading users",
            Call::Employees { .. } => "loading employees",
            Call::Document { .. } => "loading document",
            Call::ReviewQueue { .. } => "loading review queue",
            Call::Decide { .. } => "sending decision",
            Call::Reveal { .. } => "recording reveal",
            Call::LoadAudit => "reading audit log",
            Call::Export { .. } => "exporting",
            Call::CreateEmployee { .. } => "creating employee",
            Call::Companies { .. } => "loading companies",
            Call::Departments { .. } => "loading departments",
            Call::ClientEmployees { .. } => "loading employees",
            Call::FindExternalId(_) => "looking up external id",
            Call::Onboard { .. } => "saving",
            Call::HealthmovLogin(_) => "logging in to Healthmov",
            Call::PlatformUsers { .. } => "loading platform users",
            Call::EndUsers { .. } => "loading end users",
            Call::EndUser(_) => "loading end user",
            Call::ChangeEndUser { .. } => "sending",
            Call::BankUsers { .. } => "loading bunq users",
            Call::BankUser(_) => "loading bunq user",
            Call::ChangeBankUser { .. } => "sending to bunq",
            Call::ChangePlatformUser { .. } => "saving",
            Call::CheckImport { .. } => "checking the file",
            Call::Import { .. } => "importing",
        }
    }

    /// The backend this call goes to, for its health; `None` for work on this machine.
    pub fn backend(&self) -> Option<&'static str> {
        use crate::backends::{bunq, healthmov, unioo, upvest, vasco};
        Some(match self {
            Call::Search { source, .. } => source.name(),
            Call::Person(_)
            | Call::Users { .. }
            | Call::Employees { .. }
            | Call::Document { .. }
            | Call::ReviewQueue { .. }
            | Call::Decide { .. }
            | Call::CreateEmployee { .. } => unioo::NAME,
            Call::Companies { .. }
            | Call::Departments { .. }
            | Call::ClientEmployees { .. }
            | Call::FindExternalId(_)
            | Call::Onboard { .. }
            | Call::HealthmovLogin(_)
            | Call::Import { .. } => healthmov::NAME,
            Call::PlatformUsers { .. } | Call::ChangePlatformUser { .. } => vasco::NAME,
            Call::EndUsers { .. } | Call::EndUser(_) | Call::ChangeEndUser { .. } => upvest::NAME,
            Call::BankUsers { .. } | Call::BankUser(_) | Call::ChangeBankUser { .. } => bunq::NAME,
            Call::Reveal { .. }
            | Call::LoadAudit
            | Call::CheckImport { .. }
            | Call::Export { .. } => return None,
        })
    }
}

/// A value for the clipboard; never printed in logs (it may be a revealed CPR).
#[derive(Clone, PartialEq)]
pub struct Clip(pub String);

impl std::fmt::Debug for Clip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clip({} chars)", self.0.chars().count())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Call {
        req: RequestId,
        call: Call,
    },
    Cancel(RequestId),
    /// Opens a record in its own feature's pane. The routing carries it out before the
    /// effects leave `update`, so no feature needs to know another.
    Open(Box<crate::search::Target>),
    /// Opens a Unioo person by id, `title` standing in the breadcrumbs until they load.
    OpenPerson {
        id: uuid::Uuid,
        title: String,
    },
    /// Runs a registry command, as if its key were pressed (after a prompt that gated it).
    Run(super::registry::Command),
    /// Put this on the clipboard (the terminal writes OSC 52).
    Copy(Clip),
    /// Asks a running import to stop after the rows in flight (its report still arrives).
    Stop(RequestId),
    /// Runs the profile's `unlock_cmd` with the terminal; `Action::Unlocked` says how it went.
    Unlock(String),
    Quit,
}
