//! Clients that speak each backend's wire format and map it to core types. The app talks to
//! the capability traits here, never to a particular API.

pub mod bunq;
pub mod error;
pub mod graphql;
pub mod healthmov;
pub mod http;
pub mod unioo;
pub mod upvest;
pub mod vasco;

pub use error::BackendError;

use crate::core::platform::{PlatformChange, PlatformUser};
use crate::core::*;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T, BackendError>> + Send + 'a>>;

/// Finding people and reading what the person view shows.
pub trait PeopleDirectory: Send + Sync {
    fn backend_name(&self) -> &'static str;
    fn find_by_cpr(&self, cpr: Cpr) -> BoxFut<'_, Vec<PersonSummary>>;
    /// `None` when the person is not visible to the caller.
    fn person(&self, id: Uuid) -> BoxFut<'_, Option<Person>>;
    fn users(
        &self,
        after: Option<String>,
        sort: Sort,
        first: usize,
    ) -> BoxFut<'_, Page<PersonSummary>>;
    fn employees(
        &self,
        after: Option<String>,
        sort: Sort,
        first: usize,
    ) -> BoxFut<'_, Page<Employee>>;
    /// The bytes of a person's current document of that kind, if any.
    fn document(&self, user: Uuid, kind: DocumentKind) -> BoxFut<'_, Option<DocumentFile>>;
}

/// Reviewing legitimation documents: the pending queue and decisions on them.
pub trait LegitimationReview: Send + Sync {
    /// Pending documents, oldest first.
    fn review_queue(
        &self,
        after: Option<String>,
        kind: Option<DocumentKind>,
        first: usize,
    ) -> BoxFut<'_, Page<ReviewItem>>;
    /// Approves or rejects; safe to resend with the same idempotency key.
    fn decide(&self, decision: Decision) -> BoxFut<'_, ReviewItem>;
}

/// Managing the bank's own staff.
pub trait BankStaff: Send + Sync {
    /// Creates an employee; not retried (the API takes no idempotency key).
    fn create_employee(
        &self,
        email: String,
        first_name: Option<String>,
        last_name: Option<String>,
    ) -> BoxFut<'_, Employee>;
}

/// Onboarding client companies, departments, employees and dependents (Healthmov).
pub trait Onboarding: healthmov::EmployeeUpsert {
    /// One page of companies (the API gives at most 5 a page).
    fn companies(&self, after: Option<String>) -> BoxFut<'_, Page<Company>>;
    fn departments(
        &self,
        company_id: String,
        company: Locator,
        after: Option<String>,
    ) -> BoxFut<'_, Page<Department>>;
    fn client_employees(
        &self,
        department: Department,
        after: Option<String>,
    ) -> BoxFut<'_, Page<ClientEmployee>>;
    /// An employee, department or company with this external id, in that order.
    fn find_external_id(&self, external_id: String) -> BoxFut<'_, Found>;
    /// Creates (sent once) or creates-or-updates by external id (safe to resend).
    fn save_company(&self, company: NewCompany, upsert: bool) -> BoxFut<'_, Company>;
    /// Sent once: the API takes no key to make it safe to resend.
    fn create_department(
        &self,
        company_id: String,
        name: String,
        external_id: Option<String>,
    ) -> BoxFut<'_, Department>;
    /// Upsert keyed by company and employee number; `dependents: None` leaves them as they are.
    fn save_employee(
        &self,
        company_id: String,
        department_id: String,
        employee: NewEmployee,
        dependents: Option<Vec<NewDependent>>,
    ) -> BoxFut<'_, ClientEmployee>;
    /// Adds or updates (by email) a dependent of the employee with `parent_email`; answers
    /// with the employee.
    fn save_dependent(
        &self,
        parent_email: String,
        dependent: NewDependent,
    ) -> BoxFut<'_, ClientEmployee>;
    fn set_offboarding(
        &self,
        employee_id: String,
        date: jiff::civil::Date,
    ) -> BoxFut<'_, ClientEmployee>;
    /// Logs in with a password typed by the operator (kept for re-logins).
    fn log_in(&self, password: secrecy::SecretString) -> BoxFut<'_, ()>;
    fn log_out(&self) -> BoxFut<'_, ()>;
}

/// Users of an investment platform (VASCO) and their lifecycle.
pub trait FundPlatform: Send + Sync {
    /// Users from `offset`, a page at a time (the API gives no total).
    fn platform_users(&self, offset: usize) -> BoxFut<'_, Page<PlatformUser>>;
    /// Activations and deactivations are safe to resend (an "already" answer is success);
    /// creating is sent once.
    fn change_platform_user(&self, change: PlatformChange) -> BoxFut<'_, PlatformUser>;
    /// One user by id, as the platform has them now.
    fn platform_user(&self, id: String) -> BoxFut<'_, PlatformUser>;
}

/// End users of an investment API (Upvest).
pub trait EndUsers: Send + Sync {
    fn end_users(&self, offset: usize) -> BoxFut<'_, Page<crate::core::investing::EndUser>>;
    /// The user with their checks and tax residencies.
    fn end_user(&self, id: String) -> BoxFut<'_, crate::core::investing::EndUserDetail>;
    /// Creating and asking for data changes carry an idempotency key, kept across resends.
    fn change_end_user(
        &self,
        change: crate::core::investing::EndUserChange,
    ) -> BoxFut<'_, Option<crate::core::investing::EndUser>>;
}

/// End users of a bank (bunq): read them, and change their status and details.
pub trait BankUsers: Send + Sync {
    /// Newest first, a page at a time; `older_id` continues; `loaded` is how many are shown.
    fn bank_users(
        &self,
        older_id: Option<String>,
        loaded: usize,
    ) -> BoxFut<'_, Page<crate::core::banking::BankUser>>;
    fn bank_user(&self, id: u64) -> BoxFut<'_, crate::core::banking::BankUser>;
    /// Safe to resend: an update sets values.
    fn update_bank_user(
        &self,
        id: u64,
        update: crate::core::banking::BankUserUpdate,
    ) -> BoxFut<'_, crate::core::banking::BankUser>;
}
