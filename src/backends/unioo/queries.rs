//! The Unioo operations the console sends, as cynic fragments checked against
//! `schemas/unioo.graphql` at compile time. Each selects only what a pane shows; document bytes
//! (`base64`) are selected only by the document query.

#[cynic::schema("unioo")]
pub mod schema {}

cynic::impl_scalar!(uuid::Uuid, schema::UUID);
cynic::impl_scalar!(jiff::Timestamp, schema::DateTime);

// ---- variables ----

#[derive(cynic::QueryVariables, Debug)]
pub struct SsnVars {
    pub ssn: String,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UserIdVars {
    pub user_id: uuid::Uuid,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UsersPageVars {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub order: Option<Vec<UserSortInput>>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct EmployeesPageVars {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub order: Option<Vec<EmployeeSortInput>>,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum SortEnumType {
    Asc,
    Desc,
}

#[derive(cynic::InputObject, Debug)]
pub struct UserSortInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub id: Option<SortEnumType>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub name: Option<SortEnumType>,
}

#[derive(cynic::InputObject, Debug)]
pub struct EmployeeSortInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub id: Option<SortEnumType>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub name: Option<SortEnumType>,
}

// ---- search and lists ----

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "SsnVars")]
pub struct FindUsersBySsn {
    #[arguments(ssn: $ssn)]
    pub users_by_ssn: Vec<UserRow>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct UserRow {
    pub id: uuid::Uuid,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct UserSearchRow {
    pub id: uuid::Uuid,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub administrators: Vec<AdministratorOrgName>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "SsnVars")]
pub struct SearchBySsn {
    #[arguments(ssn: $ssn)]
    pub users_by_ssn: Vec<UserSearchRow>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Administrator")]
pub struct AdministratorOrgName {
    pub organization: Option<OrganizationName>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Organization")]
pub struct OrganizationName {
    pub name: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "UsersPageVars")]
pub struct UsersPage {
    #[arguments(first: $first, after: $after, order: $order)]
    pub users: Option<UsersConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct UsersConnection {
    pub total_count: i32,
    pub nodes: Option<Vec<UserRow>>,
    pub page_info: PageInfo,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "EmployeesPageVars")]
pub struct EmployeesPage {
    #[arguments(first: $first, after: $after, order: $order)]
    pub employees: Option<EmployeesConnection>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct EmployeesConnection {
    pub total_count: i32,
    pub nodes: Option<Vec<EmployeeRow>>,
    pub page_info: PageInfo,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Employee")]
pub struct EmployeeRow {
    pub id: uuid::Uuid,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub creation_date: Option<jiff::Timestamp>,
    pub last_login_time: Option<jiff::Timestamp>,
    pub roles: Option<Vec<Option<BankEmployeeRole>>>,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum BankEmployeeRole {
    CanRejectBankPackages,
    CanEditEmployees,
}

// ---- the person view ----

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "UserIdVars")]
pub struct PersonDetailQuery {
    #[arguments(userId: $user_id)]
    pub user_by_id: Vec<PersonDetail>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct PersonDetail {
    pub id: uuid::Uuid,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub is_exempt_from_digital_signatures: Option<bool>,
    pub address_entity: Option<Address>,
    pub legal_entity: Option<LegalEntity>,
    pub politically_exposed_person: Option<PoliticallyExposedPerson>,
    pub administrators: Vec<AdministratorDetail>,
    pub current_photo_legitimation: Option<PhotoLegitimation>,
    pub current_social_security_card: Option<SocialSecurityCard>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Address {
    pub street_name: Option<String>,
    pub house_number_and_letter: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<Country>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Country {
    pub alpha2: Option<String>,
    pub name: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct PoliticallyExposedPerson {
    pub pep_response: Option<String>,
    pub pep_reason: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct LegalEntity {
    pub id: uuid::Uuid,
    pub ssn: Option<String>,
    pub legal_name: Option<String>,
    pub city_or_location_of_birth: Option<String>,
    pub country_of_birth: Option<Country>,
    pub is_eid_verified: Option<bool>,
    pub citizenships: Option<Vec<Option<Citizenship>>>,
    pub tax_residencies: Option<Vec<Option<TaxResidency>>>,
    pub current_verification: Option<Verification>,
    pub verifications: Option<Vec<Option<Verification>>>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Citizenship {
    pub country_data: Option<Country>,
    pub ssn: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct TaxResidency {
    pub country_data: Option<Country>,
    pub tin: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Verification {
    pub id: uuid::Uuid,
    pub identity_scheme: Option<IdentityScheme>,
    pub authentication_level: Option<AuthenticationLevel>,
    pub identification_time: Option<jiff::Timestamp>,
    pub risk_data: Option<RiskData>,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum IdentityScheme {
    Manual,
    DkMitId,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum AuthenticationLevel {
    None,
    Low,
    Medium,
    High,
}

// A short-lived wire value, mapped at once: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(cynic::InlineFragments, Debug)]
pub enum RiskData {
    MitIdRiskData(MitIdRiskData),
    #[cynic(fallback)]
    Other,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "MitIDRiskData")]
pub struct MitIdRiskData {
    pub device_id: Option<String>,
    pub registration_date_time: Option<jiff::Timestamp>,
    pub previous_authentication: Option<jiff::Timestamp>,
    pub failed_attempts: Option<i32>,
    pub client_geo_location: Option<String>,
    pub client_ip_address: Option<String>,
    pub app_geo_location: Option<String>,
    pub app_ip_address: Option<String>,
    pub file: Option<FileMeta>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "EncryptedBlobFile")]
pub struct FileMeta {
    pub file_name: Option<String>,
    pub file_extension: Option<String>,
}

#[derive(cynic::InlineFragments, Debug)]
#[cynic(graphql_type = "Administrator")]
pub enum AdministratorDetail {
    BoardMember(BoardMember),
    ExternalAdministrator(ExternalAdministrator),
    #[cynic(fallback)]
    Other,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct BoardMember {
    pub id: uuid::Uuid,
    pub organization: Option<Organization>,
    #[cynic(rename = "allowEBoksCommunicationFromBank")]
    pub allow_eboks: Option<bool>,
    pub is_authorized_signatory: Option<bool>,
    pub board_member_roles: Option<Vec<Option<BoardMemberRole>>>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct ExternalAdministrator {
    pub id: uuid::Uuid,
    pub organization: Option<Organization>,
    #[cynic(rename = "allowEBoksCommunicationFromBank")]
    pub allow_eboks: Option<bool>,
    pub external_administrator_roles: Option<Vec<Option<ExternalAdministratorRole>>>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Organization {
    pub id: uuid::Uuid,
    pub name: Option<String>,
    pub vat_number: Option<String>,
    pub bank_relation: Option<BankRelation>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct BankRelation {
    pub is_ajour: Option<bool>,
    pub ajour_date: Option<jiff::Timestamp>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct BoardMemberRole {
    pub role: Option<BoardMemberRoles>,
    pub assigned_date: Option<jiff::Timestamp>,
    pub resigned_date: Option<jiff::Timestamp>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct ExternalAdministratorRole {
    pub role: Option<ExternalAdministratorRoles>,
    pub assigned_date: Option<jiff::Timestamp>,
    pub resigned_date: Option<jiff::Timestamp>,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum BoardMemberRoles {
    ChairMan,
    Cashier,
    Secretary,
    BoardMember,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum ExternalAdministratorRoles {
    Ceo,
    Accountant,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct PhotoLegitimation {
    pub id: uuid::Uuid,
    pub version: i32,
    pub state: Option<LegitimationState>,
    pub rejected_reason: Option<String>,
    pub created_time: Option<jiff::Timestamp>,
    pub approved_rejected_time: Option<jiff::Timestamp>,
    pub expiration_date: Option<jiff::Timestamp>,
    pub legitimation_type: Option<LegitimationType>,
    pub file: Option<FileMeta>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct SocialSecurityCard {
    pub id: uuid::Uuid,
    pub version: i32,
    pub state: Option<LegitimationState>,
    pub rejected_reason: Option<String>,
    pub created_time: Option<jiff::Timestamp>,
    pub approved_rejected_time: Option<jiff::Timestamp>,
    pub expiration_date: Option<jiff::Timestamp>,
    pub file: Option<FileMeta>,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
pub enum LegitimationState {
    Pending,
    Approved,
    Rejected,
    Expired,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct LegitimationType {
    pub legitimation_type_localizations: Option<Vec<Option<LegitimationTypeLocalization>>>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct LegitimationTypeLocalization {
    pub language_code: Option<String>,
    pub name: Option<String>,
}

// ---- document bytes, only when a document is opened ----

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "UserIdVars")]
pub struct PhotoFileQuery {
    #[arguments(userId: $user_id)]
    pub user_by_id: Vec<UserPhotoFile>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct UserPhotoFile {
    pub current_photo_legitimation: Option<PhotoFile>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "PhotoLegitimation")]
pub struct PhotoFile {
    pub file: Option<FileBytes>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "UserIdVars")]
pub struct CardFileQuery {
    #[arguments(userId: $user_id)]
    pub user_by_id: Vec<UserCardFile>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct UserCardFile {
    pub current_social_security_card: Option<CardFile>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "SocialSecurityCard")]
pub struct CardFile {
    pub file: Option<FileBytes>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "EncryptedBlobFile")]
pub struct FileBytes {
    pub file_name: Option<String>,
    pub file_extension: Option<String>,
    pub base64: Option<String>,
}

impl std::fmt::Debug for FileBytes {
    // Document bytes never go into a log or panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileBytes")
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

// ---- bank staff ----

#[derive(cynic::InputObject, Debug)]
pub struct CreateEmployeeInput {
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateEmployeeVars {
    pub input: CreateEmployeeInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateEmployeeVars")]
pub struct CreateEmployee {
    #[arguments(input: $input)]
    pub create_employee: Option<CreateEmployeePayload>,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct CreateEmployeePayload {
    pub employee: Option<EmployeeRow>,
}
