//! The Healthmov User Management client: a login session that keeps itself valid, and the
//! onboarding reads and writes over it.

mod employee_at;
mod map;
pub mod queries;
pub mod session;

use super::graphql::GraphqlClient;
use super::http::HttpSettings;
use super::{BackendError, BoxFut, Onboarding};
use crate::core::*;
use cynic::{MutationBuilder, QueryBuilder};
use queries as q;
use session::HealthmovSession;
use std::sync::Arc;

pub use employee_at::employee_at;

pub const NAME: &str = "Healthmov";

/// Rows asked for per page of departments and employees (companies: the API's 5).
pub const PAGE_SIZE: i32 = 50;
/// Companies asked for per page: the API gives at most 5.
const COMPANIES_PAGE: usize = 5;

/// A page's check before it is decoded: its `edges` (and any list of edges within them, such
/// as an employee's dependents) hold at most `asked` items.
fn page(asked: usize) -> super::http::PageCheck {
    super::http::PageCheck {
        key: "edges",
        asked,
    }
}

pub struct HealthmovClient {
    gql: GraphqlClient,
    pub session: Arc<HealthmovSession>,
}

/// Upserting one employee; the import talks to this, not to Healthmov directly.
pub trait EmployeeUpsert: Send + Sync {
    /// Creates or updates the employee with this number in `company`. Safe to resend: it is an
    /// upsert keyed by company and employee number.
    fn upsert(&self, company: &str, department: &str, employee: &NewEmployee)
    -> BoxFut<'_, String>;
}

fn employee_vars(
    company: &str,
    department: &str,
    row: &NewEmployee,
    dependents: Option<Vec<NewDependent>>,
) -> q::UpsertEmployeeVars {
    q::UpsertEmployeeVars {
        company_id: cynic::Id::new(company),
        department_id: cynic::Id::new(department),
        email: row.email.clone(),
        phone_number: row.phone.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        employee_number: row.employee_number.clone(),
        date_of_onboarding: row.onboarding,
        date_of_offboarding: row.offboarding,
        external_id: row.external_id.clone(),
        birthdate: row.birthdate,
        dependents: dependents.map(|ds| {
            ds.into_iter()
                .map(|d| q::DependentInput {
                    first_name: d.first_name,
                    last_name: Some(d.last_name),
                    birthdate: d.birthdate,
                    external_id: d.external_id,
                    email: d.email,
                    date_of_onboarding: d.onboarding,
                    date_of_offboarding: d.offboarding,
                })
                .collect()
        }),
    }
}

impl EmployeeUpsert for HealthmovClient {
    fn upsert(&self, company: &str, department: &str, row: &NewEmployee) -> BoxFut<'_, String> {
        let vars = employee_vars(company, department, row, None);
        Box::pin(async move {
            let done = self.gql.run(q::UpsertEmployee::build(vars)).await?;
            Ok(done
                .create_or_update_employee
                .and_then(|p| p.employee)
                .map(|e| e.id.into_inner())
                .unwrap_or_default())
        })
    }
}

/// An answer without the object it should carry.
fn missing(what: &str) -> BackendError {
    BackendError::Malformed {
        backend: NAME,
        request_id: "-".into(),
        detail: format!("the answer had no {what}"),
    }
}

/// The parent reached by position is not the one expected: rows were added or removed.
fn moved(what: &str) -> BackendError {
    BackendError::Rejected {
        backend: NAME,
        request_id: "-".into(),
        messages: vec![format!(
            "the {what} list changed since it was loaded; go back and press F5"
        )],
        code: Some("LIST_CHANGED".into()),
    }
}

fn expect_id<T>(
    node: Option<T>,
    id: impl Fn(&T) -> &str,
    want: &str,
    what: &str,
) -> Result<T, BackendError> {
    match node {
        Some(n) if id(&n) == want => Ok(n),
        Some(_) => Err(moved(what)),
        None => Err(missing(what)),
    }
}

impl HealthmovClient {
    /// `password` is `None` when it is to be asked for (see `Onboarding::log_in`).
    pub fn new(
        url: reqwest::Url,
        username: String,
        password: Option<secrecy::SecretString>,
        settings: HttpSettings,
    ) -> Self {
        let session = Arc::new(HealthmovSession::new(
            url.clone(),
            username,
            password,
            settings,
        ));
        HealthmovClient {
            gql: GraphqlClient::with_auth(NAME, url, session.clone(), settings),
            session,
        }
    }

    fn locate(first: i32, after: Option<String>) -> q::LocateVars {
        q::LocateVars {
            first,
            after,
            ..Default::default()
        }
    }

    async fn departments_page(
        &self,
        company_id: String,
        company: Locator,
        after: Option<String>,
    ) -> Result<Page<Department>, BackendError> {
        let mut vars = Self::locate(PAGE_SIZE, after.clone());
        let node = match &company {
            Locator::ExternalId(x) => {
                vars.company_ext = x.clone();
                self.gql
                    .run_page(
                        q::DepartmentsOfCompanyByExternalId::build(vars),
                        page(PAGE_SIZE as usize),
                    )
                    .await?
                    .search_company
            }
            Locator::After(a) => {
                vars.company_after = a.clone();
                self.gql
                    .run_page(
                        q::DepartmentsOfCompanyAt::build(vars),
                        page(PAGE_SIZE as usize),
                    )
                    .await?
                    .companies
                    .and_then(|c| c.edges.into_iter().flatten().next())
                    .and_then(|e| e.node)
            }
        };
        let node = expect_id(node, |n| n.id.inner(), &company_id, "company")?;
        let conn = node.departments.ok_or_else(|| missing("departments"))?;
        map::departments(conn, (company_id, company), after, PAGE_SIZE as usize)
    }

    async fn employees_page(
        &self,
        department: Department,
        after: Option<String>,
    ) -> Result<Page<ClientEmployee>, BackendError> {
        let mut vars = Self::locate(PAGE_SIZE, after);
        let node = match (&department.locator, &department.company) {
            (Locator::ExternalId(x), _) => {
                vars.department_ext = x.clone();
                self.gql
                    .run_page(
                        q::EmployeesOfDepartmentByExternalId::build(vars),
                        page(PAGE_SIZE as usize),
                    )
                    .await?
                    .search_department
            }
            (Locator::After(d), Some((company_id, company))) => {
                vars.department_after = d.clone();
                let pick = match company {
                    Locator::ExternalId(x) => {
                        vars.company_ext = x.clone();
                        self.gql
                            .run_page(
                                q::EmployeesInCompanyByExternalId::build(vars),
                                page(PAGE_SIZE as usize),
                            )
                            .await?
                            .search_company
                    }
                    Locator::After(c) => {
                        vars.company_after = c.clone();
                        self.gql
                            .run_page(
                                q::EmployeesInCompanyAt::build(vars),
                                page(PAGE_SIZE as usize),
                            )
                            .await?
                            .companies
                            .and_then(|c| c.edges.into_iter().flatten().next())
                            .and_then(|e| e.node)
                    }
                };
                let pick = expect_id(pick, |n| n.id.inner(), company_id, "company")?;
                pick.departments
                    .and_then(|c| c.edges.into_iter().flatten().next())
                    .and_then(|e| e.node)
            }
            (Locator::After(_), None) => {
                return Err(BackendError::Rejected {
                    backend: NAME,
                    request_id: "-".into(),
                    messages: vec![
                        "this department has no external id; open it from its company".into(),
                    ],
                    code: None,
                });
            }
        };
        let node = expect_id(node, |n| n.id.inner(), &department.id, "department")?;
        map::employees(
            node.employees.ok_or_else(|| missing("employees"))?,
            PAGE_SIZE as usize,
        )
    }
}

impl Onboarding for HealthmovClient {
    fn companies(&self, after: Option<String>) -> BoxFut<'_, Page<Company>> {
        Box::pin(async move {
            let c = self
                .gql
                .run_page(
                    q::Companies::build(q::CompaniesVars {
                        first: Some(COMPANIES_PAGE as i32),
                        after: after.clone(),
                    }),
                    page(COMPANIES_PAGE),
                )
                .await?
                .companies
                .ok_or_else(|| missing("companies"))?;
            map::companies(c, after, COMPANIES_PAGE)
        })
    }

    fn departments(
        &self,
        company_id: String,
        company: Locator,
        after: Option<String>,
    ) -> BoxFut<'_, Page<Department>> {
        Box::pin(self.departments_page(company_id, company, after))
    }

    fn client_employees(
        &self,
        department: Department,
        after: Option<String>,
    ) -> BoxFut<'_, Page<ClientEmployee>> {
        Box::pin(self.employees_page(department, after))
    }

    fn find_external_id(&self, external_id: String) -> BoxFut<'_, Found> {
        Box::pin(async move {
            let f = self
                .gql
                .run(q::FindByExternalId::build(q::FindVars { external_id }))
                .await?;
            Ok(if let Some(e) = f.search_employee {
                Found::Employee(Box::new(map::employee(e)))
            } else if let Some(d) = f.search_department {
                Found::Department(map::department(d, None, None))
            } else if let Some(c) = f.search_company {
                Found::Company(map::company(c, None))
            } else {
                Found::Nothing
            })
        })
    }

    fn save_company(&self, c: NewCompany, upsert: bool) -> BoxFut<'_, Company> {
        Box::pin(async move {
            let vars = q::CompanyVars {
                company_name: c.name,
                logo_url: c.logo_url,
                external_id: c.external_id,
                country_alpha3_code: c.country,
                account_manager: c.account_manager,
                date_of_onboarding: c.onboarding,
                date_of_offboarding: c.offboarding,
            };
            // Creating is not idempotent: sent once. The upsert is keyed by external id.
            let company = if upsert {
                self.gql
                    .run(q::CreateOrUpdateCompany::build(vars))
                    .await?
                    .create_or_update_company
                    .and_then(|p| p.company)
            } else {
                self.gql
                    .run_once(q::CreateCompany::build(vars))
                    .await?
                    .create_company
                    .and_then(|p| p.company)
            };
            let c = company.ok_or_else(|| missing("company"))?;
            Ok(map::company(c, None))
        })
    }

    fn create_department(
        &self,
        company_id: String,
        name: String,
        external_id: Option<String>,
    ) -> BoxFut<'_, Department> {
        Box::pin(async move {
            let d = self
                .gql
                .run_once(q::CreateDepartment::build(q::DepartmentVars {
                    company_id: cynic::Id::new(&company_id),
                    department_name: name,
                    external_id,
                }))
                .await?
                .create_department
                .and_then(|p| p.department)
                .ok_or_else(|| missing("department"))?;
            Ok(map::department(d, None, None))
        })
    }

    fn save_employee(
        &self,
        company_id: String,
        department_id: String,
        employee: NewEmployee,
        dependents: Option<Vec<NewDependent>>,
    ) -> BoxFut<'_, ClientEmployee> {
        let vars = employee_vars(&company_id, &department_id, &employee, dependents);
        Box::pin(async move {
            // An upsert: safe to resend.
            let e = self
                .gql
                .run(q::SaveEmployee::build(vars))
                .await?
                .create_or_update_employee
                .and_then(|p| p.employee)
                .ok_or_else(|| missing("employee"))?;
            Ok(map::employee(e))
        })
    }

    fn save_dependent(&self, parent_email: String, d: NewDependent) -> BoxFut<'_, ClientEmployee> {
        Box::pin(async move {
            let vars = q::DependentVars {
                birthdate: d.birthdate,
                parent_email,
                dependent_email: d.email.unwrap_or_default(),
                dependent_first_name: d.first_name,
                dependent_last_name: d.last_name,
                dependent_phone: d.phone,
                external_id: d.external_id,
                date_of_onboarding: d.onboarding,
                date_of_offboarding: d.offboarding,
            };
            // Keyed by the parent and the dependent's email: safe to resend.
            let e = self
                .gql
                .run(q::AddOrUpdateDependent::build(vars))
                .await?
                .add_or_update_dependent
                .and_then(|p| p.employee)
                .ok_or_else(|| missing("employee"))?;
            Ok(map::employee(e))
        })
    }

    fn set_offboarding(
        &self,
        employee_id: String,
        date: jiff::civil::Date,
    ) -> BoxFut<'_, ClientEmployee> {
        Box::pin(async move {
            let e = self
                .gql
                .run(q::SetOffboardingDate::build(q::OffboardingVars {
                    employee_id: cynic::Id::new(&employee_id),
                    date_of_offboarding: date,
                }))
                .await?
                .set_offboarding_date
                .and_then(|p| p.employee)
                .ok_or_else(|| missing("employee"))?;
            Ok(map::employee(e))
        })
    }

    fn log_in(&self, password: secrecy::SecretString) -> BoxFut<'_, ()> {
        Box::pin(self.session.log_in(password))
    }

    fn log_out(&self) -> BoxFut<'_, ()> {
        Box::pin(self.session.logout())
    }
}
