"""Makes moto_server's KMS RSASSA_PSS_* signatures use a salt as long as the digest, as AWS KMS does.

The AWS KMS Developer Guide describes RSASSA_PSS_SHA_256 as "PKCS #1 v2.2, Section 8.1, RSA signature
with PSS padding using SHA-256 for both the message digest and the MGF1 mask generation function
along with a 256-bit salt" ("Asymmetric key specs", RSA key specs for signing and verification,
https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html), which is what JWS
PS256 requires (RFC 7518 section 3.5). moto 5.2.1 signs with the longest salt the key allows
(padding.PSS.MAX_LENGTH, moto/kms/utils.py, RSAPrivateKey), which no JWS library verifies. Applied
by sitecustomize.py only when a test asks for it (startMoto's kmsPssDigestSalt), never by default.
"""

from cryptography.hazmat.primitives.asymmetric import padding
from moto.kms import utils as _kms_utils

_ORIGINAL = _kms_utils.RSAPrivateKey._RSAPrivateKey__padding_and_hash_algorithm


def _digest_length_salt(self, signing_algorithm):
    pad, hash_algorithm = _ORIGINAL(self, signing_algorithm)
    if isinstance(pad, padding.PSS):
        pad = padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=padding.PSS.DIGEST_LENGTH)
    return pad, hash_algorithm


_kms_utils.RSAPrivateKey._RSAPrivateKey__padding_and_hash_algorithm = _digest_length_salt
