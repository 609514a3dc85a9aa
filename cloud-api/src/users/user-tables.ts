/**
 * People who sign in to the console. `hash` is a PHC `$scrypt$…` string, never the password;
 * `disabled` is 0/1. Users are never deleted: their name stays the actor of their audit rows.
 */
export interface UsersTable {
  name: string;
  role: 'technician' | 'admin';
  hash: string;
  disabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}
