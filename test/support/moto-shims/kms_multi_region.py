"""Makes moto_server's KMS ReplicateKey keep a multi-Region primary and its replica apart, as AWS does.

moto 5.2.1 (moto/kms/models.py, replicate_key) makes the replica a shallow copy of the primary, so
both share one MultiRegionConfiguration dict, one dict of aliases and one of grants. describe_key
then marks the shared configuration "REPLICA" in place: after a replica is described, the primary
reports MultiRegionKeyType REPLICA too, and provider hashicorp/aws refuses to refresh it ("is not a
multi-Region primary key"). AWS describes each key with its own type: "MultiRegionKeyType:
Indicates whether the KMS key is a PRIMARY or REPLICA key" (AWS KMS API Reference,
MultiRegionConfiguration,
https://docs.aws.amazon.com/kms/latest/APIReference/API_MultiRegionConfiguration.html).

moto's ReplicateKey also ignores the Description, Policy and Tags parameters and gives the replica
the primary's policy (moto/kms/responses.py reads KeyId and ReplicaRegion only). AWS applies them to
the new replica ("Description", "Policy", "Tags": AWS KMS API Reference, ReplicateKey,
https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html), and the provider waits
for the tags it sent, forever. This shim applies them. Key material stays shared, as in AWS ("the
same key ID, key material, and other metadata", ReplicateKey).
"""

import json

from moto.kms import models as _models
from moto.kms import responses as _responses

_ORIGINAL_BACKEND = _models.KmsBackend.replicate_key
_ORIGINAL_RESPONSE = _responses.KmsResponse.replicate_key


def _replicate_key(self, key_id, replica_region):
    replica = _ORIGINAL_BACKEND(self, key_id, replica_region)
    shared = replica.multi_region_configuration
    # The primary keeps the shared dict (type PRIMARY); the replica gets its own, typed REPLICA,
    # listing the same replicas (one list, so a later replica shows in both).
    replica.multi_region_configuration = {
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": shared["PrimaryKey"],
        "ReplicaKeys": shared["ReplicaKeys"],
    }
    shared["MultiRegionKeyType"] = "PRIMARY"
    # moto keeps aliases and grants on the key object, which the copy shares too: the primary's
    # aliases would name the replica, and creating the same alias name in the replica's Region
    # would fail. A replica starts with none ("All other properties of a replica key can differ,
    # including its key policy, tags, aliases, and key states", ReplicateKey).
    replica.aliases = {}
    replica.grants = {}
    return replica


def _replicate_key_response(self):
    body = json.loads(_ORIGINAL_RESPONSE(self))
    region = self._get_param("ReplicaRegion")
    backend = _models.kms_backends[self.current_account][region]
    key = backend.keys[body["ReplicaKeyMetadata"]["KeyId"]]
    description = self._get_param("Description")
    if description is not None:
        key.description = description
    # "If you do not specify a key policy, AWS KMS attaches the default key policy" (ReplicateKey,
    # Policy); moto's copy would keep the primary's.
    key.policy = self._get_param("Policy") or key.generate_default_policy()
    tags = self._get_param("Tags")
    if tags:
        backend.tag_resource(key.id, tags)
    body["ReplicaKeyMetadata"] = key.to_dict()["KeyMetadata"]
    body["ReplicaPolicy"] = key.policy
    return json.dumps(body)


_models.KmsBackend.replicate_key = _replicate_key
_responses.KmsResponse.replicate_key = _replicate_key_response
