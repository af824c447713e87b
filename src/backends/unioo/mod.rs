//! The Unioo Bank API client: people directory over GraphQL.

mod map;
pub mod queries;
pub mod review;

use super::graphql::GraphqlClient;
use super::{BackendError, BankStaff, BoxFut, PeopleDirectory};
use crate::core::*;
use cynic::QueryBuilder;
use queries as q;
use uuid::Uuid;

pub const NAME: &str = "Unioo";

pub struct UniooClient {
    gql: GraphqlClient,
}

impl UniooClient {
    pub fn new(gql: GraphqlClient) -> Self {
        UniooClient { gql }
    }
}

/// The `(id, name)` fields of a sort input: the chosen key gets the direction.
fn order(sort: Sort) -> (Option<q::SortEnumType>, Option<q::SortEnumType>) {
    let dir = Some(if sort.descending {
        q::SortEnumType::Desc
    } else {
        q::SortEnumType::Asc
    });
    match sort.key {
        SortKey::Id => (dir, None),
        SortKey::Name => (None, dir),
    }
}

/// Where a page's items are and how many were asked: checked before the answer is decoded.
fn page(key: &'static str, asked: usize) -> super::http::PageCheck {
    super::http::PageCheck { key, asked }
}

/// One page of a connection, mapped to core types; refused when it holds more than `asked`.
fn to_page<R, T>(
    total: i32,
    nodes: Option<Vec<R>>,
    info: q::PageInfo,
    asked: usize,
    f: impl Fn(R) -> T,
) -> Result<Page<T>, BackendError> {
    let nodes = nodes.unwrap_or_default();
    super::http::page_fits(NAME, nodes.len(), asked)?;
    Ok(Page {
        items: nodes.into_iter().map(f).collect(),
        total: total.max(0) as usize,
        next_cursor: info.has_next_page.then_some(info.end_cursor).flatten(),
    })
}

impl PeopleDirectory for UniooClient {
    fn backend_name(&self) -> &'static str {
        NAME
    }

    fn find_by_cpr(&self, cpr: Cpr) -> BoxFut<'_, Vec<PersonSummary>> {
        Box::pin(async move {
            let op = q::SearchBySsn::build(q::SsnVars { ssn: cpr.reveal() });
            let data = self.gql.run(op).await?;
            Ok(data.users_by_ssn.into_iter().map(map::search_row).collect())
        })
    }

    fn person(&self, id: Uuid) -> BoxFut<'_, Option<Person>> {
        Box::pin(async move {
            let data = self
                .gql
                .run(q::PersonDetailQuery::build(q::UserIdVars { user_id: id }))
                .await?;
            Ok(data.user_by_id.into_iter().next().map(map::person))
        })
    }

    fn users(
        &self,
        after: Option<String>,
        sort: Sort,
        first: usize,
    ) -> BoxFut<'_, Page<PersonSummary>> {
        Box::pin(async move {
            let (id, name) = order(sort);
            let vars = q::UsersPageVars {
                first: Some(first as i32),
                after,
                order: Some(vec![q::UserSortInput { id, name }]),
            };
            let c = self
                .gql
                .run_page(q::UsersPage::build(vars), page("nodes", first))
                .await?
                .users
                .ok_or_else(|| missing("users"))?;
            to_page(c.total_count, c.nodes, c.page_info, first, map::summary)
        })
    }

    fn employees(
        &self,
        after: Option<String>,
        sort: Sort,
        first: usize,
    ) -> BoxFut<'_, Page<Employee>> {
        Box::pin(async move {
            let (id, name) = order(sort);
            let vars = q::EmployeesPageVars {
                first: Some(first as i32),
                after,
                order: Some(vec![q::EmployeeSortInput { id, name }]),
            };
            let c = self
                .gql
                .run_page(q::EmployeesPage::build(vars), page("nodes", first))
                .await?
                .employees
                .ok_or_else(|| missing("employees"))?;
            to_page(c.total_count, c.nodes, c.page_info, first, map::employee)
        })
    }

    fn document(&self, user: Uuid, kind: DocumentKind) -> BoxFut<'_, Option<DocumentFile>> {
        Box::pin(async move {
            let vars = q::UserIdVars { user_id: user };
            let file = match kind {
                DocumentKind::PhotoLegitimation => self
                    .gql
                    .run_document(q::PhotoFileQuery::build(vars))
                    .await?
                    .user_by_id
                    .into_iter()
                    .next()
                    .and_then(|u| u.current_photo_legitimation)
                    .and_then(|d| d.file),
                DocumentKind::SocialSecurityCard => self
                    .gql
                    .run_document(q::CardFileQuery::build(vars))
                    .await?
                    .user_by_id
                    .into_iter()
                    .next()
                    .and_then(|u| u.current_social_security_card)
                    .and_then(|d| d.file),
            };
            file.map(map::file)
                .transpose()
                .map_err(|detail| BackendError::Malformed {
                    backend: NAME,
                    request_id: "-".into(),
                    detail,
                })
        })
    }
}

fn missing(field: &str) -> BackendError {
    BackendError::Malformed {
        backend: NAME,
        request_id: "-".into(),
        detail: format!("`{field}` was null"),
    }
}

impl BankStaff for UniooClient {
    fn create_employee(
        &self,
        email: String,
        first_name: Option<String>,
        last_name: Option<String>,
    ) -> BoxFut<'_, Employee> {
        Box::pin(async move {
            use cynic::MutationBuilder;
            let vars = q::CreateEmployeeVars {
                input: q::CreateEmployeeInput {
                    email,
                    first_name,
                    last_name,
                },
            };
            // No idempotency key: a resend could create twice, so one attempt only.
            let created = self.gql.run_once(q::CreateEmployee::build(vars)).await?;
            created
                .create_employee
                .and_then(|p| p.employee)
                .map(map::employee)
                .ok_or_else(|| missing("createEmployee.employee"))
        })
    }
}
