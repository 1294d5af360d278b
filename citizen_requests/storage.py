"""Where request attachments are kept: a folder outside MEDIA_URL (nothing serves it
directly; files go out only through the request's visibility check)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class RequestFileStorage(FileSystemStorage):
    """Files under settings.MISTO_REQUEST_FILES_ROOT, followed when the setting changes."""

    def __init__(self):
        super().__init__(base_url="/not-served/")

    @cached_property
    def base_location(self):
        return str(settings.MISTO_REQUEST_FILES_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "MISTO_REQUEST_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


request_file_storage = RequestFileStorage()
