"""manage.py demo_accounts: print the demo accounts and their passwords."""

from django.core.management.base import BaseCommand

from demo.accounts import demo_accounts_table


class Command(BaseCommand):
    help = "Print the demo accounts (one per role) with their passwords."

    def handle(self, *args, **options):
        rows = demo_accounts_table()
        if not rows:
            self.stdout.write("No demo accounts yet: run `manage.py load_demo_city`.")
            return
        self.stdout.write("")
        self.stdout.write("Demo accounts (log in at http://127.0.0.1:8000/accounts/login/):")
        width = max(len(r[0]) for r in rows)
        role_width = max(len(r[1]) for r in rows)
        for username, role, password in rows:
            self.stdout.write(f"  {username:{width}s}  {role:{role_width}s}  {password}")
        self.stdout.write("")
