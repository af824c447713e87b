//! The features, one folder each, and the one registry of their views. A new pane is a new
//! folder and a line in `views!` below: the compiler then asks for its `Pane` and `Feature`
//! implementations, and nothing else in the routing names it.

pub mod audit;
pub mod bank_users;
pub mod end_users;
pub mod notes;
pub mod onboarding;
pub mod pending;
pub mod people;
pub mod platform;
pub mod review;
pub mod search;
pub mod staff;

use super::paging::PagedList;
use super::pane::{Feature, Pane};
use super::state::ViewId;
use crate::core::{Company, Employee, PersonSummary};

/// Declares `ViewKind` with one variant per view, each tied to its feature's handlers.
macro_rules! views {
    ($($(#[$doc:meta])* $variant:ident($ty:ty) => $feature:expr,)*) => {
        #[derive(Debug)]
        pub enum ViewKind {
            $($(#[$doc])* $variant($ty),)*
        }

        impl ViewKind {
            /// The feature whose handlers serve this view.
            pub fn feature(&self) -> &'static dyn Feature {
                match self {
                    $(ViewKind::$variant(_) => &$feature,)*
                }
            }

            pub fn pane(&self) -> &dyn Pane {
                match self {
                    $(ViewKind::$variant(v) => v,)*
                }
            }

            pub fn pane_mut(&mut self) -> &mut dyn Pane {
                match self {
                    $(ViewKind::$variant(v) => v,)*
                }
            }
        }
    };
}

views! {
    Search(search::SearchView) => search::Search,
    Person(Box<people::PersonView>) => people::People,
    Users(PagedList<PersonSummary>) => people::People,
    Employees(PagedList<Employee>) => staff::Staff,
    Employee(Box<Employee>) => staff::Staff,
    Queue(review::QueueView) => review::Review,
    Document(Box<review::DocumentView>) => review::Review,
    Audit(Box<audit::AuditView>) => audit::AuditTrail,
    Companies(PagedList<Company>) => onboarding::Onboarding,
    Departments(Box<onboarding::DepartmentsView>) => onboarding::Onboarding,
    ClientEmployees(Box<onboarding::ClientEmployeesView>) => onboarding::Onboarding,
    ClientEmployee(Box<onboarding::ClientEmployeeView>) => onboarding::Onboarding,
    /// VASCO users: pending first.
    PlatformUsers(PagedList<crate::core::platform::PlatformUser>) => platform::Platform,
    PlatformUser(Box<platform::PlatformUserView>) => platform::Platform,
    /// Upvest end users.
    EndUsers(PagedList<crate::core::investing::EndUser>) => end_users::EndUsers,
    EndUser(Box<end_users::EndUserView>) => end_users::EndUsers,
    /// bunq users, newest first.
    BankUsers(PagedList<crate::core::banking::BankUser>) => bank_users::BankUsers,
    BankUser(Box<bank_users::BankUserView>) => bank_users::BankUsers,
    /// Open four-eyes proposals, others' first.
    Pending(PagedList<pending::ProposalRow>) => pending::PendingFeature,
    Proposal(Box<pending::ProposalView>) => pending::PendingFeature,
    /// One record's timeline in the team store, newest first.
    Timeline(Box<notes::TimelineView>) => notes::Notes,
}

#[derive(Debug)]
pub struct View {
    pub id: ViewId,
    pub kind: ViewKind,
}

impl View {
    pub fn title(&self) -> String {
        self.kind.pane().title()
    }
}
