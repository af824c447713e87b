//! Healthmov operations, checked against `schemas/healthmov.graphql` at compile time.

#[cynic::schema("healthmov")]
pub mod schema {}

cynic::impl_scalar!(jiff::civil::Date, schema::Date);

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
    pub login: Option<TokenPayload>,
}

#[derive(cynic::QueryFragment)]
#[cynic(schema = "healthmov")]
pub struct TokenPayload {
    pub ok: Option<bool>,
    pub access_token: Option<String>,
    pub access_token_expiration_date: Option<String>,
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
    pub refresh_token: Option<TokenPayload>,
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
    pub node: Option<CompanyNode>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "healthmov")]
pub struct CompanyNode {
    pub id: String,
    pub name: Option<String>,
    pub external_id: Option<String>,
    pub country_alpha3_code: Option<String>,
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
    pub create_or_update_employee: Option<EmployeePayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "healthmov")]
pub struct EmployeePayload {
    pub employee: Option<EmployeeId>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EmployeeNode", schema = "healthmov")]
pub struct EmployeeId {
    pub id: String,
}
