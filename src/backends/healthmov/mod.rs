//! The Healthmov User Management client: a login session that keeps itself valid, and the
//! onboarding reads and writes over it.

pub mod queries;
pub mod session;

use super::graphql::GraphqlClient;
use super::http::HttpSettings;
use super::{BackendError, BoxFut};
use crate::core::{NewEmployee, Page};
use cynic::QueryBuilder;
use queries as q;
use session::HealthmovSession;
use std::sync::Arc;

pub const NAME: &str = "Healthmov";

/// A client company, as the onboarding lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanySummary {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub country: Option<String>,
    pub onboarding: Option<jiff::civil::Date>,
    pub offboarding: Option<jiff::civil::Date>,
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

impl EmployeeUpsert for HealthmovClient {
    fn upsert(&self, company: &str, department: &str, row: &NewEmployee) -> BoxFut<'_, String> {
        use cynic::MutationBuilder;
        let vars = q::UpsertEmployeeVars {
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
        };
        Box::pin(async move {
            let done = self.gql.run(q::UpsertEmployee::build(vars)).await?;
            Ok(done
                .create_or_update_employee
                .and_then(|p| p.employee)
                .map(|e| e.id)
                .unwrap_or_default())
        })
    }
}

impl HealthmovClient {
    pub fn new(
        url: reqwest::Url,
        username: String,
        password: secrecy::SecretString,
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

    /// One page of companies (the API gives at most 5 a page).
    pub fn companies(&self, after: Option<String>) -> BoxFut<'_, Page<CompanySummary>> {
        Box::pin(async move {
            let c = self
                .gql
                .run(q::Companies::build(q::CompaniesVars {
                    first: Some(5),
                    after,
                }))
                .await?
                .companies;
            let c = c.ok_or_else(|| BackendError::Malformed {
                backend: NAME,
                request_id: "-".into(),
                detail: "`companies` was null".into(),
            })?;
            Ok(Page {
                items: c
                    .edges
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.node)
                    .map(|n| CompanySummary {
                        id: n.id,
                        name: n.name.unwrap_or_default(),
                        external_id: n.external_id,
                        country: n.country_alpha3_code,
                        onboarding: n.date_of_onboarding,
                        offboarding: n.date_of_offboarding,
                    })
                    .collect(),
                total: c.total_count.unwrap_or(0).max(0) as usize,
                next_cursor: c
                    .page_info
                    .has_next_page
                    .then_some(c.page_info.end_cursor)
                    .flatten(),
            })
        })
    }
}
