"""IAM's records in SQLite: ``<data_dir>/iam/iam.sqlite``, keyed by account (IAM is global).

Each resource is one row holding its model as JSON, keyed by the lower-cased name
because IAM names are unique regardless of case. Inline policies and attachments are
keyed by entity (the ``role`` column): a role's name, or ``user:<name>`` for a user.
Knows no IAM rules: the engine decides, the store records.
"""

from __future__ import annotations

from pathlib import Path

from lakestack.core.sqlite import SqliteDatabase, dump, load
from lakestack.services.iam.models import AccessKey, ManagedPolicy, Role, User

_SCHEMA = """
CREATE TABLE IF NOT EXISTS roles(
  account TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY(account, key));
CREATE TABLE IF NOT EXISTS users(
  account TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY(account, key));
CREATE TABLE IF NOT EXISTS policies(
  account TEXT NOT NULL, arn TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, arn));
CREATE UNIQUE INDEX IF NOT EXISTS policies_name ON policies(account, key);
CREATE TABLE IF NOT EXISTS role_policies(
  account TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,
  PRIMARY KEY(account, role, name));
CREATE TABLE IF NOT EXISTS attachments(
  account TEXT NOT NULL, role TEXT NOT NULL, arn TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(account, role, arn));
CREATE TABLE IF NOT EXISTS access_keys(
  id TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, user TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS access_keys_user ON access_keys(account, user);
"""


class IamStore(SqliteDatabase):
    """Roles, users, managed policies, inline role policies, attachments and keys."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    # -- roles -------------------------------------------------------------------------
    def get_role(self, account: str, name: str) -> Role | None:
        rows = self.query(
            "SELECT body FROM roles WHERE account=? AND key=?", (account, name.lower())
        )
        return load(Role, rows[0][0]) if rows else None

    def put_role(self, account: str, role: Role) -> None:
        self.execute(
            "INSERT OR REPLACE INTO roles VALUES(?,?,?)", (account, role.name.lower(), dump(role))
        )

    def list_roles(self, account: str) -> list[Role]:
        rows = self.query("SELECT body FROM roles WHERE account=? ORDER BY key", (account,))
        return [load(Role, r[0]) for r in rows]

    def delete_role(self, account: str, name: str) -> None:
        self.execute("DELETE FROM roles WHERE account=? AND key=?", (account, name.lower()))

    # -- inline role policies ------------------------------------------------------------
    def role_policy(self, account: str, role: str, name: str) -> str | None:
        rows = self.query(
            "SELECT document FROM role_policies WHERE account=? AND role=? AND name=?",
            (account, role.lower(), name),
        )
        return str(rows[0][0]) if rows else None

    def put_role_policy(self, account: str, role: str, name: str, document: str) -> None:
        self.execute(
            "INSERT OR REPLACE INTO role_policies VALUES(?,?,?,?)",
            (account, role.lower(), name, document),
        )

    def delete_role_policy(self, account: str, role: str, name: str) -> None:
        self.execute(
            "DELETE FROM role_policies WHERE account=? AND role=? AND name=?",
            (account, role.lower(), name),
        )

    def role_policy_names(self, account: str, role: str) -> list[str]:
        rows = self.query(
            "SELECT name FROM role_policies WHERE account=? AND role=? ORDER BY name",
            (account, role.lower()),
        )
        return [str(r[0]) for r in rows]

    # -- attachments ---------------------------------------------------------------------
    def attached_arns(self, account: str, role: str) -> list[str]:
        rows = self.query(
            "SELECT arn FROM attachments WHERE account=? AND role=? ORDER BY seq",
            (account, role.lower()),
        )
        return [str(r[0]) for r in rows]

    def attach(self, account: str, role: str, arn: str) -> None:
        with self.transaction() as c:
            seq = c.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM attachments").fetchone()[0]
            c.execute(
                "INSERT OR IGNORE INTO attachments VALUES(?,?,?,?)",
                (account, role.lower(), arn, seq),
            )

    def detach(self, account: str, role: str, arn: str) -> None:
        self.execute(
            "DELETE FROM attachments WHERE account=? AND role=? AND arn=?",
            (account, role.lower(), arn),
        )

    def attachment_count(self, account: str, arn: str) -> int:
        rows = self.query(
            "SELECT COUNT(*) FROM attachments WHERE account=? AND arn=?", (account, arn)
        )
        return int(rows[0][0])

    def roles_attached_to(self, account: str, arn: str) -> list[str]:
        """Lower-cased names of the roles ``arn`` is attached to."""
        rows = self.query(
            "SELECT role FROM attachments WHERE account=? AND arn=? ORDER BY role", (account, arn)
        )
        return [str(r[0]) for r in rows]

    def attached_policy_arns(self, account: str) -> set[str]:
        rows = self.query("SELECT DISTINCT arn FROM attachments WHERE account=?", (account,))
        return {str(r[0]) for r in rows}

    # -- managed policies ----------------------------------------------------------------
    def get_policy(self, account: str, arn: str) -> ManagedPolicy | None:
        rows = self.query("SELECT body FROM policies WHERE account=? AND arn=?", (account, arn))
        return load(ManagedPolicy, rows[0][0]) if rows else None

    def policy_name_taken(self, account: str, name: str) -> bool:
        rows = self.query(
            "SELECT 1 FROM policies WHERE account=? AND key=?", (account, name.lower())
        )
        return bool(rows)

    def put_policy(self, account: str, policy: ManagedPolicy) -> None:
        self.execute(
            "INSERT OR REPLACE INTO policies VALUES(?,?,?,?)",
            (account, policy.arn, policy.name.lower(), dump(policy)),
        )

    def list_policies(self, account: str) -> list[ManagedPolicy]:
        rows = self.query("SELECT body FROM policies WHERE account=? ORDER BY key", (account,))
        return [load(ManagedPolicy, r[0]) for r in rows]

    def delete_policy(self, account: str, arn: str) -> None:
        self.execute("DELETE FROM policies WHERE account=? AND arn=?", (account, arn))

    # -- users and access keys -----------------------------------------------------------
    def get_user(self, account: str, name: str) -> User | None:
        rows = self.query(
            "SELECT body FROM users WHERE account=? AND key=?", (account, name.lower())
        )
        return load(User, rows[0][0]) if rows else None

    def put_user(self, account: str, user: User) -> None:
        self.execute(
            "INSERT OR REPLACE INTO users VALUES(?,?,?)", (account, user.name.lower(), dump(user))
        )

    def list_users(self, account: str) -> list[User]:
        rows = self.query("SELECT body FROM users WHERE account=? ORDER BY key", (account,))
        return [load(User, r[0]) for r in rows]

    def delete_user(self, account: str, name: str) -> None:
        self.execute("DELETE FROM users WHERE account=? AND key=?", (account, name.lower()))

    def access_keys(self, account: str, user: str) -> list[AccessKey]:
        rows = self.query(
            "SELECT body FROM access_keys WHERE account=? AND user=? ORDER BY rowid",
            (account, user.lower()),
        )
        return [load(AccessKey, r[0]) for r in rows]

    def put_access_key(self, account: str, key: AccessKey) -> None:
        self.execute(
            "INSERT OR REPLACE INTO access_keys VALUES(?,?,?,?)",
            (key.access_key_id, account, key.user_name.lower(), dump(key)),
        )

    def delete_access_key(self, account: str, key_id: str) -> None:
        self.execute("DELETE FROM access_keys WHERE account=? AND id=?", (account, key_id))

    def reset(self) -> None:
        with self.transaction() as c:
            for table in ("roles", "users", "policies", "role_policies", "attachments"):
                c.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            c.execute("DELETE FROM access_keys")
