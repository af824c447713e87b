//! One employee read back where a change found them: Healthmov has no read of an employee by
//! id, so by the caller's external id when they have one, else through their company's and
//! department's lists. A four-eyes proposal compares it with the employee the maker saw.

use super::super::{BackendError, Onboarding};
use crate::core::*;

/// The most pages one read-back asks for (companies come 5 a page): past it, it says so
/// rather than walk a huge tenant for minutes.
const MOST_PAGES: usize = 400;

/// The employee `at` names as Healthmov has them now; `None` when they (or their company or
/// department) are no longer there. `at` must be [`EmployeeAt::readable`].
pub async fn employee_at(
    o: &dyn Onboarding,
    at: &EmployeeAt,
) -> Result<Option<ClientEmployee>, BackendError> {
    if let Some(x) = &at.external_id {
        return Ok(match o.find_external_id(x.clone()).await? {
            Found::Employee(e) if at.employee_id.is_none() || at.is(&e) => Some(*e),
            _ => None,
        });
    }
    let (Some(company_id), Some(department_id)) = (&at.company_id, &at.department_id) else {
        return Err(too_far("it names no company and department"));
    };
    let mut pages = 0;
    let mut after = None;
    let company = loop {
        next(&mut pages)?;
        let page = o.companies(after).await?;
        if let Some(c) = page.items.into_iter().find(|c| &c.id == company_id) {
            break c;
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => return Ok(None),
        }
    };
    let mut after = None;
    let department = loop {
        next(&mut pages)?;
        let page = o
            .departments(company.id.clone(), company.locator.clone(), after)
            .await?;
        if let Some(d) = page.items.into_iter().find(|d| &d.id == department_id) {
            break d;
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => return Ok(None),
        }
    };
    let mut after = None;
    loop {
        next(&mut pages)?;
        let page = o.client_employees(department.clone(), after).await?;
        if let Some(e) = page.items.into_iter().find(|e| at.is(e)) {
            return Ok(Some(e));
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => return Ok(None),
        }
    }
}

/// Counts one more page, refusing past [`MOST_PAGES`].
fn next(pages: &mut usize) -> Result<(), BackendError> {
    *pages += 1;
    if *pages > MOST_PAGES {
        return Err(too_far(&format!("more than {MOST_PAGES} pages")));
    }
    Ok(())
}

fn too_far(why: &str) -> BackendError {
    BackendError::Local {
        what: "Healthmov",
        detail: format!("the employee cannot be read back: {why}"),
    }
}
