"""A person's own data: all of it on request (/mydata), and erased on request (/forgetme)."""

from models.services.personal.service import Forgotten, PersonalDataService

__all__ = ["Forgotten", "PersonalDataService"]
