"""App configurations of the project's own choosing for apps it installs."""

from axes.apps import AppConfig as AxesAppConfig


class LoginAttemptsConfig(AxesAppConfig):
    """django-axes, named in the admin for what it holds: failed logins and the lockouts they
    caused (diplomacy.security). Its label stays "axes", so its tables and migrations do too."""

    verbose_name = "Login attempts and lockouts"
