//! From Healthmov's wire types to the core's onboarding types.

use super::queries as q;
use crate::backends::BackendError;
use crate::core::{ClientEmployee, Company, Department, Dependent, Locator, Page};

pub fn company(c: q::CompanyFields, after: Option<String>) -> Company {
    Company {
        locator: Locator::of(c.external_id.as_deref(), after),
        id: c.id.into_inner(),
        name: c.name.unwrap_or_default(),
        brand: c.brand,
        logo_url: c.logo_url,
        external_id: c.external_id,
        country: c.country_alpha3_code,
        account_manager: c.account_manager,
        onboarding: c.date_of_onboarding,
        offboarding: c.date_of_offboarding,
    }
}

pub fn department(
    d: q::DepartmentFields,
    company: Option<(String, Locator)>,
    after: Option<String>,
) -> Department {
    Department {
        locator: Locator::of(d.external_id.as_deref(), after),
        id: d.id.into_inner(),
        name: d.name.unwrap_or_default(),
        external_id: d.external_id,
        company,
    }
}

fn count(n: Option<i32>) -> u32 {
    n.unwrap_or(0).max(0) as u32
}

pub fn employee(e: q::EmployeeFields) -> ClientEmployee {
    ClientEmployee {
        id: e.id.into_inner(),
        employee_number: e.employee_number,
        external_id: e.external_id,
        email: e.email,
        first_name: e.first_name.unwrap_or_default(),
        last_name: e.last_name.unwrap_or_default(),
        phone: e.phone_number,
        birthdate: e.birthdate,
        onboarding: e.date_of_onboarding,
        offboarding: e.date_of_offboarding,
        onboarded_at: e.onboarded_at.map(|t| t.date()),
        has_access: e.has_access,
        dependent_counts: (
            count(e.nb_dependents),
            count(e.nb_dependents_onboarded),
            count(e.nb_dependents_offboarded),
        ),
        dependents: e
            .dependents
            .map(|c| c.edges)
            .unwrap_or_default()
            .into_iter()
            // As many as were asked for, whatever the server sent.
            .take(q::DEPENDENTS_SHOWN as usize)
            .flatten()
            .filter_map(|e| e.node)
            .map(dependent)
            .collect(),
    }
}

fn dependent(d: q::DependentFields) -> Dependent {
    Dependent {
        id: d.id.into_inner(),
        first_name: d.first_name.unwrap_or_default(),
        last_name: d.last_name.unwrap_or_default(),
        email: d.email,
        phone: d.phone_number,
        external_id: d.external_id,
        birthdate: d.birthdate,
        onboarding: d.date_of_onboarding,
        offboarding: d.date_of_offboarding,
        onboarded_at: d.onboarded_at.map(|t| t.date()),
        has_access: d.has_access,
    }
}

/// The cursor before each edge: what locates that edge's node again.
fn afters(first: Option<String>, cursors: Vec<String>) -> impl Iterator<Item = Option<String>> {
    std::iter::once(first).chain(cursors.into_iter().map(Some))
}

pub fn companies(
    c: q::CompanyNodeConnection,
    after: Option<String>,
    asked: usize,
) -> Result<Page<Company>, BackendError> {
    super::super::http::page_fits(super::NAME, c.edges.len(), asked)?;
    let edges: Vec<_> = c.edges.into_iter().flatten().collect();
    let cursors = edges.iter().map(|e| e.cursor.clone()).collect();
    Ok(Page {
        items: edges
            .into_iter()
            .zip(afters(after, cursors))
            .filter_map(|(e, a)| e.node.map(|n| company(n, a)))
            .collect(),
        total: count(c.total_count) as usize,
        next_cursor: next(&c.page_info),
    })
}

pub fn departments(
    c: q::DepartmentConnection,
    company: (String, Locator),
    after: Option<String>,
    asked: usize,
) -> Result<Page<Department>, BackendError> {
    super::super::http::page_fits(super::NAME, c.edges.len(), asked)?;
    let edges: Vec<_> = c.edges.into_iter().flatten().collect();
    let cursors = edges.iter().map(|e| e.cursor.clone()).collect();
    Ok(Page {
        items: edges
            .into_iter()
            .zip(afters(after, cursors))
            .filter_map(|(e, a)| e.node.map(|n| department(n, Some(company.clone()), a)))
            .collect(),
        total: count(c.total_count) as usize,
        next_cursor: next(&c.page_info),
    })
}

pub fn employees(
    c: q::EmployeeConnection,
    asked: usize,
) -> Result<Page<ClientEmployee>, BackendError> {
    super::super::http::page_fits(super::NAME, c.edges.len(), asked)?;
    Ok(Page {
        total: count(c.total_count) as usize,
        next_cursor: next(&c.page_info),
        items: c
            .edges
            .into_iter()
            .flatten()
            .filter_map(|e| e.node)
            .map(employee)
            .collect(),
    })
}

fn next(p: &q::PageInfo) -> Option<String> {
    p.has_next_page.then(|| p.end_cursor.clone()).flatten()
}
