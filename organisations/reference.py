"""The registry's reference data: regions and organisations, from organisations/data/."""

from .services import reference_seed


def seed(*, overwrite: bool = False):
    return reference_seed(overwrite=overwrite)
