//! The views of this feature: what it keeps on the navigation stack.

#[allow(unused_imports)]
use crate::app::{action::RequestId, paging::PagedList, state::*};
#[allow(unused_imports)]
use crate::core::*;
#[allow(unused_imports)]
use std::time::{Duration, Instant};
#[allow(unused_imports)]
use tui_input::Input;
#[allow(unused_imports)]
use uuid::Uuid;

/// A company's departments.
#[derive(Debug)]
pub struct DepartmentsView {
    pub company: Company,
    pub list: PagedList<Department>,
}

/// A department's employees.
#[derive(Debug)]
pub struct ClientEmployeesView {
    pub department: Department,
    pub list: PagedList<ClientEmployee>,
}

/// One client employee with their dependents.
#[derive(Debug)]
pub struct ClientEmployeeView {
    pub employee: ClientEmployee,
    /// Where the employee works, when reached through the lists (a search does not say).
    pub company_id: Option<String>,
    pub department_id: Option<String>,
    pub dependent_row: usize,
    /// What was just saved.
    pub notice: Option<String>,
}
