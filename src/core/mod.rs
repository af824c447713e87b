//! Backend-neutral domain types and validation. No I/O.

pub mod banking;
pub mod cpr;
pub mod investing;
pub mod onboarding;
pub mod page;
pub mod person;
pub mod platform;
pub mod review;
pub mod validate;

pub use cpr::{Cpr, CprError};
pub use onboarding::{
    Change, Changed, ClientEmployee, Company, Department, Dependent, EmployeeAt, Found, Locator,
    NewCompany, NewDependent, NewEmployee,
};
pub use page::{Page, Sort, SortKey};
pub use person::*;
pub use review::*;
