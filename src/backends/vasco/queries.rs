//! VASCO operations, checked against `schemas/vasco.graphql` at compile time.

#[cynic::schema("vasco")]
pub mod schema {}

cynic::impl_scalar!(jiff::civil::Date, schema::Date);
cynic::impl_scalar!(jiff::Timestamp, schema::DateTime);

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "vasco")]
pub struct DetailedEnum {
    pub code: Option<String>,
    pub label: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "vasco")]
pub struct UserGroup {
    pub id: cynic::Id,
    pub name: Option<String>,
    pub persona: Option<Persona>,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[cynic(schema = "vasco", rename_all = "snake_case")]
pub enum Persona {
    Customer,
    DistributedCustomer,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
#[cynic(schema = "vasco", rename_all = "lowercase")]
pub enum SupportedLocale {
    Fr,
    En,
}

#[derive(cynic::Enum, Debug, Clone, Copy)]
#[cynic(schema = "vasco", rename_all = "camelCase")]
pub enum FirstAccountType {
    IndividualAccount,
    CorporateAccount,
}

#[derive(cynic::InputObject, Debug)]
#[cynic(schema = "vasco")]
pub struct CorporateAccountInformationInput {
    pub corporate_name: Option<String>,
}

#[derive(cynic::InputObject, Debug)]
#[cynic(schema = "vasco")]
pub struct FirstAccountInformationInput {
    pub first_account_type: FirstAccountType,
    pub corporate_account_information: Option<CorporateAccountInformationInput>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Account", schema = "vasco")]
pub struct Account {
    pub id: cynic::Id,
    pub label: Option<String>,
    pub account_type: Option<DetailedEnum>,
    pub kyc_status_detailed: Option<DetailedEnum>,
    pub kyc_expiration_date: Option<jiff::civil::Date>,
    pub kyc_refused_comment: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "vasco")]
pub struct User {
    pub id: cynic::Id,
    pub active: Option<bool>,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub mobile: Option<String>,
    pub accepted_at: Option<jiff::Timestamp>,
    pub unactive_comment: Option<String>,
    pub user_group: Option<UserGroup>,
    pub accounts: Vec<Option<Account>>,
    pub locale: Option<SupportedLocale>,
    pub last_login: Option<jiff::Timestamp>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UsersVars {
    pub limit: Option<i32>,
    pub offset: Option<i32>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "RootQuery", schema = "vasco", variables = "UsersVars")]
pub struct GetUsers {
    #[arguments(limit: $limit, offset: $offset)]
    #[cynic(rename = "GetUsers")]
    pub get_users: Option<Vec<Option<User>>>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct IdVars {
    pub id: cynic::Id,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "RootQuery", schema = "vasco", variables = "IdVars")]
pub struct GetUser {
    #[arguments(id: $id)]
    #[cynic(rename = "GetUser")]
    pub get_user: Option<User>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "RootMutation", schema = "vasco", variables = "IdVars")]
pub struct ActivateUser {
    #[arguments(id: $id)]
    #[cynic(rename = "ActivateUser")]
    pub activate_user: Option<User>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct DeactivateVars {
    pub id: cynic::Id,
    pub unactive_comment: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "RootMutation",
    schema = "vasco",
    variables = "DeactivateVars"
)]
pub struct DeactivateUser {
    #[arguments(id: $id, unactiveComment: $unactive_comment)]
    #[cynic(rename = "DeactivateUser")]
    pub deactivate_user: Option<User>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateVars {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub persona: Persona,
    pub first_account_information: Option<FirstAccountInformationInput>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "RootMutation",
    schema = "vasco",
    variables = "CreateVars"
)]
pub struct CreateUser {
    #[arguments(
        firstName: $first_name,
        lastName: $last_name,
        email: $email,
        mobile: $mobile,
        persona: $persona,
        firstAccountInformation: $first_account_information
    )]
    #[cynic(rename = "CreateUser")]
    pub create_user: Option<User>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UpdateVars {
    pub id: cynic::Id,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub mobile: Option<String>,
    pub user_group_id: Option<cynic::Id>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    graphql_type = "RootMutation",
    schema = "vasco",
    variables = "UpdateVars"
)]
pub struct UpdateUser {
    #[arguments(
        id: $id,
        firstName: $first_name,
        lastName: $last_name,
        mobile: $mobile,
        userGroupId: $user_group_id
    )]
    #[cynic(rename = "UpdateUserInfosAndPermissions")]
    pub update_user_infos_and_permissions: Option<User>,
}
