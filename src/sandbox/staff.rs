//! The bank's own staff on Unioo: the generated employees plus those created through
//! `createEmployee`.

use super::data::EmployeeRecord;
use std::sync::RwLock;

pub struct Staff {
    list: RwLock<Vec<EmployeeRecord>>,
}

impl Staff {
    pub fn new(initial: &[EmployeeRecord]) -> Staff {
        Staff {
            list: RwLock::new(initial.to_vec()),
        }
    }

    /// All employees, and their positions sorted by name and by id.
    pub fn snapshot(&self) -> (Vec<EmployeeRecord>, Vec<u32>, Vec<u32>) {
        let list = self.list.read().expect("staff").clone();
        let mut by_name: Vec<u32> = (0..list.len() as u32).collect();
        by_name.sort_by(|&a, &b| {
            let (a, b) = (&list[a as usize], &list[b as usize]);
            (&a.last_name, &a.first_name, a.id).cmp(&(&b.last_name, &b.first_name, b.id))
        });
        let mut by_id: Vec<u32> = (0..list.len() as u32).collect();
        by_id.sort_by_key(|&i| list[i as usize].id);
        (list, by_name, by_id)
    }

    /// The errors are the API's own words.
    pub fn create(
        &self,
        email: &str,
        first_name: Option<String>,
        last_name: Option<String>,
    ) -> Result<EmployeeRecord, &'static str> {
        if super::healthmov::store::check_email("email", email).is_err() {
            return Err("Email is not valid");
        }
        let mut list = self.list.write().expect("staff");
        if list.iter().any(|e| e.email.eq_ignore_ascii_case(email)) {
            return Err("Email is already in use");
        }
        let n = list.len() + 1;
        // Derived from the email, so the same sandbox run gives the same ids.
        let digest = <sha2::Sha256 as sha2::Digest>::digest(email.to_lowercase().as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        let e = EmployeeRecord {
            id: uuid::Builder::from_random_bytes(bytes).into_uuid(),
            external_id: format!("EMP-{n:05}"),
            email: email.to_string(),
            first_name: first_name.unwrap_or_default(),
            last_name: last_name.unwrap_or_default(),
            created: jiff::Timestamp::now(),
            last_login: None,
            roles: Vec::new(),
        };
        list.push(e.clone());
        Ok(e)
    }
}
