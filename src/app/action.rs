//! What flows into `update` (actions) and out of it (effects).

use super::features;
use crate::backends::BackendError;
use crossterm::event::KeyEvent;
use std::time::Instant;

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

/// Declares `Call` and `Payload` with one variant per feature, each holding that feature's own
/// sub-enum, plus the calls of the shared machinery (reveal, export).
macro_rules! calls {
    ($($(#[$doc:meta])* $variant:ident($feature:ident),)*) => {
        /// A backend call the runner makes on the app's behalf. Only changes serialize (a
        /// four-eyes proposal carries its change).
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum Call {
            $($(#[$doc])* $variant(features::$feature::calls::Call),)*
            /// Audited before the number is shown.
            #[serde(skip)]
            Reveal { audit: Box<crate::audit::Event> },
            /// Writes a sheet to a file.
            #[serde(skip)]
            Export(Box<super::export::ExportCall>),
            /// A change that needs a second officer, recorded as a proposal instead of sent.
            #[serde(skip)]
            Propose(Box<Call>),
            /// At start: the audit log's last record against the team store's copy.
            #[serde(skip)]
            AuditCheck,
        }

        /// A call's answer.
        #[derive(Debug)]
        pub enum Payload {
            $($variant(features::$feature::calls::Payload),)*
            /// The reveal was written to the audit log: the number may be shown.
            Revealed,
            /// A sheet written; `path` as the toast shows it.
            Exported { path: std::path::PathBuf, rows: usize },
            /// A four-eyes change recorded as a proposal; nothing was sent.
            Proposed(Box<crate::team::Proposal>),
            /// How the audit log and the team store's copy compare.
            AuditChecked(super::central_audit::Checked),
        }

        $(
            impl From<features::$feature::calls::Call> for Call {
                fn from(c: features::$feature::calls::Call) -> Call {
                    Call::$variant(c)
                }
            }

            impl From<features::$feature::calls::Payload> for Payload {
                fn from(p: features::$feature::calls::Payload) -> Payload {
                    Payload::$variant(p)
                }
            }
        )*

        impl Call {
            /// What the status bar says while it runs.
            pub fn describe(&self) -> &'static str {
                match self {
                    $(Call::$variant(c) => c.describe(),)*
                    Call::Reveal { .. } => "recording reveal",
                    Call::Export(_) => "exporting",
                    Call::Propose(_) => "proposing for a second officer",
                    Call::AuditCheck => "checking the audit copy",
                }
            }

            /// The audit event of a change; `None` for a read.
            pub fn audit_mut(&mut self) -> Option<&mut crate::audit::Event> {
                match self {
                    $(Call::$variant(c) => c.audit_mut(),)*
                    Call::Reveal { .. } | Call::Export(_) | Call::Propose(_) | Call::AuditCheck => None,
                }
            }

            /// Sends a change with `key` as its idempotency key, where the API takes one.
            pub fn rekey(&mut self, key: &str) {
                match self {
                    $(Call::$variant(c) => c.rekey(key),)*
                    Call::Reveal { .. } | Call::Export(_) | Call::Propose(_) | Call::AuditCheck => {}
                }
            }

            /// The audit record of a read of personal data, written before it is sent (a
            /// read that cannot be recorded is refused); `None` for changes and the rest.
            pub fn access(&self) -> Option<crate::audit::Event> {
                match self {
                    $(Call::$variant(c) => c.access(),)*
                    // An export records itself, once it knows the file it writes.
                    Call::Reveal { .. } | Call::Export(_) | Call::Propose(_) | Call::AuditCheck => {
                        None
                    }
                }
            }

            /// The version of the target the officer saw, where the change names one.
            pub fn seen_version(&self) -> Option<String> {
                match self {
                    $(Call::$variant(c) => c.seen_version(),)*
                    Call::Reveal { .. } | Call::Export(_) | Call::Propose(_) | Call::AuditCheck => None,
                }
            }

            /// The backend this call goes to, for its health; `None` for work on this machine.
            pub fn backend(&self) -> Option<&'static str> {
                match self {
                    $(Call::$variant(c) => c.backend(),)*
                    Call::Reveal { .. } | Call::Export(_) | Call::AuditCheck => None,
                    Call::Propose(_) => Some(super::team::NAME),
                }
            }
        }
    };
}

impl Call {
    /// Calls never cut off once started (Esc only stops waiting), and waited for briefly when
    /// the console quits: a claim let go, a proposal's confirmation.
    pub fn outlives_quit(&self) -> bool {
        match self {
            Call::Review(c) => c.outlives_quit(),
            Call::Pending(c) => c.outlives_quit(),
            _ => false,
        }
    }
}

calls! {
    Search(search),
    People(people),
    Staff(staff),
    Review(review),
    Audit(audit),
    Onboarding(onboarding),
    Platform(platform),
    EndUsers(end_users),
    BankUsers(bank_users),
    Pending(pending),
    Notes(notes),
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
