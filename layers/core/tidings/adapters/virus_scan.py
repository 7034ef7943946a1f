"""Virus scanning of precompiled letters.

`SignatureScanner` recognises only the EICAR test file: it is the simulated scanner `tidings local` and the
tests use, and it must not be mistaken for protection. The production hook is the `VirusScanner` port
(`tidings.ports`): an adapter that asks a real engine (for example a ClamAV Lambda, or Amazon GuardDuty
Malware Protection for S3 reading the letters bucket) and answers `is_clean`, raising ProviderError
(retryable) when the engine cannot answer yet; `Providers.scanner` in `tidings.wiring` chooses it by the
`VIRUS_SCANNER` setting.
"""

from __future__ import annotations

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class SignatureScanner:
    def is_clean(self, pdf: bytes) -> bool:
        return EICAR not in pdf
