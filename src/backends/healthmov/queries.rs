//! Healthmov operations, checked against `schemas/healthmov.graphql` at compile time.

#[cynic::schema("healthmov")]
pub mod schema {}

cynic::impl_scalar!(jiff::civil::Date, schema::Date);

/// A `DateTime` as Healthmov writes it: ISO 8601, with an offset (`+00:00`, `Z`) or without
/// one (Graphene writes a naive `datetime` so; read as UTC). Kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// The date and time as written.
    pub civil: jiff::civil::DateTime,
    /// The offset written, if any.
    pub offset: Option<jiff::tz::Offset>,
}

impl DateTime {
    /// The day as written (the day the sender meant, whatever its offset).
    pub fn date(&self) -> jiff::civil::Date {
        self.civil.date()
    }

    /// The instant: the written offset, or UTC when none was written.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.offset
            .unwrap_or(jiff::tz::Offset::UTC)
            .to_timestamp(self.civil)
            .ok()
    }
}

impl std::str::FromStr for DateTime {
    type Err = String;

    fn from_str(s: &str) -> Result<DateTime, String> {
        let not = || format!("`{s}` is not an ISO 8601 date and time");
        let parsed: jiff::fmt::temporal::Pieces<'_> =
            jiff::fmt::temporal::Pieces::parse(s).map_err(|_| not())?;
        let time = parsed.time().ok_or_else(not)?;
        Ok(DateTime {
            civil: parsed.date().to_datetime(time),
            offset: parsed.to_numeric_offset(),
        })
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.offset, self.timestamp()) {
            (Some(o), Some(t)) => s.collect_str(&t.display_with_offset(o)),
            _ => s.collect_str(&self.civil),
        }
    }
}

cynic::impl_scalar!(DateTime, schema::DateTime);

#[derive(cynic::QueryVariables, Debug)]
pub struct LoginVars {
    pub username: String,
    pub password: String,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "LoginVars"
)]
pub struct Login {
    #[arguments(username: $username, password: $password)]
    pub login: Option<LoginPayload>,
}

/// What `login` and `refreshToken` answer: the same fields in two types.
pub struct TokenPayload {
    pub ok: Option<bool>,
    pub access_token: Option<String>,
    pub access_token_expiration_date: Option<DateTime>,
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for TokenPayload {
    // Tokens never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPayload")
            .field("ok", &self.ok)
            .finish_non_exhaustive()
    }
}

macro_rules! token_payload {
    ($name:ident) => {
        #[derive(cynic::QueryFragment)]
        #[cynic(schema = "healthmov")]
        pub struct $name {
            pub ok: Option<bool>,
            pub access_token: Option<String>,
            pub access_token_expiration_date: Option<DateTime>,
            pub refresh_token: Option<String>,
        }

        impl From<$name> for TokenPayload {
            fn from(p: $name) -> TokenPayload {
                TokenPayload {
                    ok: p.ok,
                    access_token: p.access_token,
                    access_token_expiration_date: p.access_token_expiration_date,
                    refresh_token: p.refresh_token,
                }
            }
        }

        impl std::fmt::Debug for $name {
            // Tokens never reach a log.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("ok", &self.ok)
                    .finish_non_exhaustive()
            }
        }
    };
}

token_payload!(LoginPayload);
token_payload!(RefreshTokenPayload);

#[derive(cynic::QueryVariables, Debug)]
pub struct RefreshVars {
    pub refresh_token: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "RefreshVars"
)]
pub struct Refresh {
    #[arguments(refreshToken: $refresh_token)]
    pub refresh_token: Option<RefreshTokenPayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", schema = "healthmov")]
pub struct Logout {
    pub logout: Option<LogoutPayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "healthmov")]
pub struct LogoutPayload {
    pub ok: Option<bool>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CompaniesVars {
    pub first: Option<i32>,
    pub after: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Query",
    schema = "healthmov",
    variables = "CompaniesVars"
)]
pub struct Companies {
    #[arguments(first: $first, after: $after)]
    pub companies: Option<CompanyNodeConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "healthmov")]
pub struct CompanyNodeConnection {
    pub total_count: Option<i32>,
    pub page_info: PageInfo,
    pub edges: Vec<Option<CompanyNodeEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "healthmov")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "healthmov")]
pub struct CompanyNodeEdge {
    pub cursor: String,
    pub node: Option<CompanyFields>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "CompanyNode", schema = "healthmov")]
pub struct CompanyFields {
    pub id: cynic::Id,
    pub name: Option<String>,
    pub brand: Option<String>,
    pub logo_url: Option<String>,
    pub external_id: Option<String>,
    pub country_alpha3_code: Option<String>,
    pub account_manager: Option<String>,
    pub date_of_onboarding: Option<jiff::civil::Date>,
    pub date_of_offboarding: Option<jiff::civil::Date>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UpsertEmployeeVars {
    pub company_id: cynic::Id,
    pub department_id: cynic::Id,
    pub email: String,
    pub phone_number: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub employee_number: String,
    pub date_of_onboarding: jiff::civil::Date,
    pub date_of_offboarding: Option<jiff::civil::Date>,
    pub external_id: Option<String>,
    pub birthdate: Option<jiff::civil::Date>,
    /// `None` leaves the employee's dependents as they are.
    pub dependents: Option<Vec<DependentInput>>,
}

#[derive(cynic::InputObject, Debug, Clone)]
#[cynic(graphql_type = "InputDependentObject", schema = "healthmov")]
pub struct DependentInput {
    pub first_name: String,
    pub last_name: Option<String>,
    pub birthdate: jiff::civil::Date,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub date_of_onboarding: Option<jiff::civil::Date>,
    pub date_of_offboarding: Option<jiff::civil::Date>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "UpsertEmployeeVars"
)]
pub struct UpsertEmployee {
    #[arguments(
        companyId: $company_id,
        departmentId: $department_id,
        email: $email,
        phoneNumber: $phone_number,
        firstName: $first_name,
        lastName: $last_name,
        employeeNumber: $employee_number,
        dateOfOnboarding: $date_of_onboarding,
        dateOfOffboarding: $date_of_offboarding,
        externalId: $external_id,
        birthdate: $birthdate
    )]
    pub create_or_update_employee: Option<EmployeeIdPayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "CreateOrUpdateEmployeePayload", schema = "healthmov")]
pub struct EmployeeIdPayload {
    pub employee: Option<EmployeeId>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNode", schema = "healthmov")]
pub struct EmployeeId {
    pub id: cynic::Id,
}

// ---- What the onboarding panes read ----

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "DepartmentNode", schema = "healthmov")]
pub struct DepartmentFields {
    pub id: cynic::Id,
    pub name: Option<String>,
    pub external_id: Option<String>,
}

/// A dependent: the API gives dependents the employee type.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNode", schema = "healthmov")]
pub struct DependentFields {
    pub id: cynic::Id,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub external_id: Option<String>,
    pub birthdate: Option<jiff::civil::Date>,
    pub date_of_onboarding: Option<jiff::civil::Date>,
    pub date_of_offboarding: Option<jiff::civil::Date>,
    pub onboarded_at: Option<DateTime>,
    pub has_access: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNodeConnection", schema = "healthmov")]
pub struct DependentConnection {
    pub edges: Vec<Option<DependentEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNodeEdge", schema = "healthmov")]
pub struct DependentEdge {
    pub node: Option<DependentFields>,
}

/// Dependents shown with an employee; more than this is unheard of for one family.
pub const DEPENDENTS_SHOWN: i32 = 50;

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNode", schema = "healthmov")]
pub struct EmployeeFields {
    pub id: cynic::Id,
    pub employee_number: Option<String>,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_number: Option<String>,
    pub birthdate: Option<jiff::civil::Date>,
    pub date_of_onboarding: Option<jiff::civil::Date>,
    pub date_of_offboarding: Option<jiff::civil::Date>,
    pub onboarded_at: Option<DateTime>,
    pub has_access: bool,
    pub nb_dependents: Option<i32>,
    pub nb_dependents_onboarded: Option<i32>,
    pub nb_dependents_offboarded: Option<i32>,
    #[arguments(first: 50)]
    pub dependents: Option<DependentConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "DepartmentNodeConnection", schema = "healthmov")]
pub struct DepartmentConnection {
    pub total_count: Option<i32>,
    pub page_info: PageInfo,
    pub edges: Vec<Option<DepartmentEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "DepartmentNodeEdge", schema = "healthmov")]
pub struct DepartmentEdge {
    pub cursor: String,
    pub node: Option<DepartmentFields>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNodeConnection", schema = "healthmov")]
pub struct EmployeeConnection {
    pub total_count: Option<i32>,
    pub page_info: PageInfo,
    pub edges: Vec<Option<EmployeeEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNodeEdge", schema = "healthmov")]
pub struct EmployeeEdge {
    pub node: Option<EmployeeFields>,
}

/// Where a company or department is: the API has no lookup by id, so a parent is reached by
/// its external id (`search…`) or as the one edge after a cursor in its parent's list.
/// Only the variables a query uses are sent.
#[derive(cynic::QueryVariables, Debug, Default)]
pub struct LocateVars {
    pub first: i32,
    pub after: Option<String>,
    pub company_ext: String,
    pub company_after: Option<String>,
    pub department_ext: String,
    pub department_after: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "CompanyNode",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct CompanyDepartments {
    pub id: cynic::Id,
    #[arguments(first: $first, after: $after)]
    pub departments: Option<DepartmentConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", schema = "healthmov", variables = "LocateVars")]
pub struct DepartmentsOfCompanyByExternalId {
    #[arguments(externalId: $company_ext)]
    pub search_company: Option<CompanyDepartments>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", schema = "healthmov", variables = "LocateVars")]
pub struct DepartmentsOfCompanyAt {
    #[arguments(first: 1, after: $company_after)]
    pub companies: Option<CompanyDepartmentsConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "CompanyNodeConnection",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct CompanyDepartmentsConnection {
    pub edges: Vec<Option<CompanyDepartmentsEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "CompanyNodeEdge",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct CompanyDepartmentsEdge {
    pub node: Option<CompanyDepartments>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "DepartmentNode",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct DepartmentEmployees {
    pub id: cynic::Id,
    #[arguments(first: $first, after: $after)]
    pub employees: Option<EmployeeConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", schema = "healthmov", variables = "LocateVars")]
pub struct EmployeesOfDepartmentByExternalId {
    #[arguments(externalId: $department_ext)]
    pub search_department: Option<DepartmentEmployees>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "CompanyNode",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct CompanyDepartmentPick {
    pub id: cynic::Id,
    #[arguments(first: 1, after: $department_after)]
    pub departments: Option<DepartmentPickConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "DepartmentNodeConnection",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct DepartmentPickConnection {
    pub edges: Vec<Option<DepartmentPickEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "DepartmentNodeEdge",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct DepartmentPickEdge {
    pub node: Option<DepartmentEmployees>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", schema = "healthmov", variables = "LocateVars")]
pub struct EmployeesInCompanyByExternalId {
    #[arguments(externalId: $company_ext)]
    pub search_company: Option<CompanyDepartmentPick>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", schema = "healthmov", variables = "LocateVars")]
pub struct EmployeesInCompanyAt {
    #[arguments(first: 1, after: $company_after)]
    pub companies: Option<CompanyPickConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "CompanyNodeConnection",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct CompanyPickConnection {
    pub edges: Vec<Option<CompanyPickEdge>>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "CompanyNodeEdge",
    schema = "healthmov",
    variables = "LocateVars"
)]
pub struct CompanyPickEdge {
    pub node: Option<CompanyDepartmentPick>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct FindVars {
    pub external_id: String,
}

/// Anything with this external id: one request for the three searches.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", schema = "healthmov", variables = "FindVars")]
pub struct FindByExternalId {
    #[arguments(externalId: $external_id)]
    pub search_employee: Option<EmployeeFields>,
    #[arguments(externalId: $external_id)]
    pub search_department: Option<DepartmentFields>,
    #[arguments(externalId: $external_id)]
    pub search_company: Option<CompanyFields>,
}

// ---- Onboarding writes ----

#[derive(cynic::QueryVariables, Debug)]
pub struct CompanyVars {
    pub company_name: String,
    pub logo_url: String,
    pub external_id: Option<String>,
    pub country_alpha3_code: Option<String>,
    pub account_manager: Option<String>,
    pub date_of_onboarding: Option<jiff::civil::Date>,
    pub date_of_offboarding: Option<jiff::civil::Date>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "CreateCompanyPayload", schema = "healthmov")]
pub struct CreateCompanyPayload {
    pub company: Option<CompanyFields>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "CreateOrUpdateCompanyPayload", schema = "healthmov")]
pub struct CreateOrUpdateCompanyPayload {
    pub company: Option<CompanyFields>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "CompanyVars"
)]
pub struct CreateCompany {
    #[arguments(
        companyName: $company_name,
        logoUrl: $logo_url,
        externalId: $external_id,
        countryAlpha3Code: $country_alpha3_code,
        accountManager: $account_manager
    )]
    pub create_company: Option<CreateCompanyPayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "CompanyVars"
)]
pub struct CreateOrUpdateCompany {
    #[arguments(
        companyName: $company_name,
        logoUrl: $logo_url,
        externalId: $external_id,
        dateOfOnboarding: $date_of_onboarding,
        dateOfOffboarding: $date_of_offboarding,
        countryAlpha3Code: $country_alpha3_code,
        accountManager: $account_manager
    )]
    pub create_or_update_company: Option<CreateOrUpdateCompanyPayload>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct DepartmentVars {
    pub company_id: cynic::Id,
    pub department_name: String,
    pub external_id: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "CreateDepartmentPayload", schema = "healthmov")]
pub struct CreateDepartmentPayload {
    pub department: Option<DepartmentFields>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "DepartmentVars"
)]
pub struct CreateDepartment {
    #[arguments(companyId: $company_id, departmentName: $department_name, externalId: $external_id)]
    pub create_department: Option<CreateDepartmentPayload>,
}

/// Each mutation on an employee answers in a type of its own, all carrying the employee.
macro_rules! employee_payload {
    ($name:ident) => {
        #[derive(cynic::QueryFragment, Debug)]
        #[cynic(schema = "healthmov")]
        pub struct $name {
            pub employee: Option<EmployeeFields>,
        }
    };
}

employee_payload!(CreateOrUpdateEmployeePayload);
employee_payload!(AddOrUpdateDependentPayload);
employee_payload!(SetOffboardingDatePayload);

/// The same upsert as the import's, answering with the whole employee for the detail pane.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "UpsertEmployeeVars"
)]
pub struct SaveEmployee {
    #[arguments(
        companyId: $company_id,
        departmentId: $department_id,
        email: $email,
        phoneNumber: $phone_number,
        firstName: $first_name,
        lastName: $last_name,
        employeeNumber: $employee_number,
        dateOfOnboarding: $date_of_onboarding,
        dateOfOffboarding: $date_of_offboarding,
        dependents: $dependents,
        externalId: $external_id,
        birthdate: $birthdate
    )]
    pub create_or_update_employee: Option<CreateOrUpdateEmployeePayload>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct DependentVars {
    pub birthdate: jiff::civil::Date,
    pub parent_email: String,
    pub dependent_email: String,
    pub dependent_first_name: String,
    pub dependent_last_name: String,
    pub dependent_phone: Option<String>,
    pub external_id: Option<String>,
    pub date_of_onboarding: Option<jiff::civil::Date>,
    pub date_of_offboarding: Option<jiff::civil::Date>,
}

/// Answers with the parent employee.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "DependentVars"
)]
pub struct AddOrUpdateDependent {
    #[arguments(
        birthdate: $birthdate,
        parentEmail: $parent_email,
        dependentEmail: $dependent_email,
        dependentFirstName: $dependent_first_name,
        dependentLastName: $dependent_last_name,
        dependentPhone: $dependent_phone,
        externalId: $external_id,
        dateOfOnboarding: $date_of_onboarding,
        dateOfOffboarding: $date_of_offboarding
    )]
    pub add_or_update_dependent: Option<AddOrUpdateDependentPayload>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct OffboardingVars {
    pub employee_id: cynic::Id,
    pub date_of_offboarding: jiff::civil::Date,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "Mutation",
    schema = "healthmov",
    variables = "OffboardingVars"
)]
pub struct SetOffboardingDate {
    #[arguments(employeeId: $employee_id, dateOfOffboarding: $date_of_offboarding)]
    pub set_offboarding_date: Option<SetOffboardingDatePayload>,
}

#[cfg(test)]
mod tests {
    use super::DateTime;

    #[test]
    fn a_date_time_is_read_with_an_offset_or_without_one() {
        for (text, day, instant) in [
            (
                "2026-11-24T08:00:00+00:00",
                "2026-11-24",
                "2026-11-24T08:00:00Z",
            ),
            ("2026-11-24T08:00:00Z", "2026-11-24", "2026-11-24T08:00:00Z"),
            (
                "2026-11-24T00:30:00+02:00",
                "2026-11-24",
                "2026-11-23T22:30:00Z",
            ),
            (
                "2026-11-24T08:00:00.123456",
                "2026-11-24",
                "2026-11-24T08:00:00.123456Z",
            ),
        ] {
            let t: DateTime = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(t.date().to_string(), day, "{text}");
            assert_eq!(t.timestamp().unwrap().to_string(), instant, "{text}");
        }
        for bad in ["2026-11-24", "yesterday", "2026-13-01T00:00:00Z", ""] {
            assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        }
    }
}
