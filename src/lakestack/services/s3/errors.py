"""S3's AWS errors: codes, statuses and default messages as AWS sends them.

Extra members of S3's error body (``BucketName``, ``Key``, ``Condition``,
``ArgumentName`` ...) are passed as keyword fields when raised. Knows nothing of
HTTP or XML; messages follow https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html.
"""

from __future__ import annotations

from lakestack.core.errors import AwsError


class S3Error(AwsError):
    """Base of every S3 error."""


class NoSuchBucket(S3Error):
    code = "NoSuchBucket"
    message = "The specified bucket does not exist"
    status = 404


class NoSuchKey(S3Error):
    code = "NoSuchKey"
    message = "The specified key does not exist."
    status = 404
    delete_marker: bool = False
    """True when the key's latest version is a delete marker (AWS then adds
    ``x-amz-delete-marker: true`` to the 404)."""


class NoSuchVersion(S3Error):
    code = "NoSuchVersion"
    message = "The specified version does not exist."
    status = 404


class NoSuchUpload(S3Error):
    code = "NoSuchUpload"
    message = (
        "The specified upload does not exist. The upload ID may be invalid, "
        "or the upload may have been aborted or completed."
    )
    status = 404


class BucketAlreadyExists(S3Error):
    code = "BucketAlreadyExists"
    message = (
        "The requested bucket name is not available. The bucket namespace is shared "
        "by all users of the system. Please select a different name and try again."
    )
    status = 409


class BucketAlreadyOwnedByYou(S3Error):
    code = "BucketAlreadyOwnedByYou"
    message = "Your previous request to create the named bucket succeeded and you already own it."
    status = 409


class BucketNotEmpty(S3Error):
    code = "BucketNotEmpty"
    message = "The bucket you tried to delete is not empty"
    status = 409


class InvalidBucketName(S3Error):
    code = "InvalidBucketName"
    message = "The specified bucket is not valid."
    status = 400


class InvalidLocationConstraint(S3Error):
    code = "InvalidLocationConstraint"
    message = "The specified location-constraint is not valid"
    status = 400


class IllegalLocationConstraintException(S3Error):
    code = "IllegalLocationConstraintException"
    status = 400


class KeyTooLongError(S3Error):
    code = "KeyTooLongError"
    message = "Your key is too long"
    status = 400


class PreconditionFailed(S3Error):
    code = "PreconditionFailed"
    message = "At least one of the pre-conditions you specified did not hold"
    status = 412


class NotModified(S3Error):
    """Not an error to AWS but a 304; the gateway answers it with an empty body."""

    code = "NotModified"
    message = "Not Modified"
    status = 304


class InvalidRange(S3Error):
    code = "InvalidRange"
    message = "The requested range is not satisfiable"
    status = 416


class EntityTooSmall(S3Error):
    code = "EntityTooSmall"
    message = "Your proposed upload is smaller than the minimum allowed object size."
    status = 400


class EntityTooLarge(S3Error):
    code = "EntityTooLarge"
    message = "Your proposed upload exceeds the maximum allowed object size."
    status = 400


class InvalidPart(S3Error):
    code = "InvalidPart"
    message = (
        "One or more of the specified parts could not be found.  The part may not "
        "have been uploaded, or the specified entity tag may not match the part's "
        "entity tag."
    )
    status = 400


class InvalidPartOrder(S3Error):
    code = "InvalidPartOrder"
    message = (
        "The list of parts was not in ascending order. The parts list must be "
        "specified in order by part number."
    )
    status = 400


class InvalidArgument(S3Error):
    code = "InvalidArgument"
    message = "Invalid Argument"
    status = 400


class InvalidRequest(S3Error):
    code = "InvalidRequest"
    message = "Invalid Request"
    status = 400


class BadDigest(S3Error):
    code = "BadDigest"
    message = "The Content-MD5 you specified did not match what we received."
    status = 400


class InvalidDigest(S3Error):
    code = "InvalidDigest"
    message = "The Content-MD5 you specified was invalid."
    status = 400


class MalformedXML(S3Error):
    code = "MalformedXML"
    message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )
    status = 400


class MalformedPolicy(S3Error):
    code = "MalformedPolicy"
    message = "Policies must be valid JSON and the first byte must be '{'"
    status = 400


class InvalidTag(S3Error):
    code = "InvalidTag"
    message = "The TagValue you have provided is invalid"
    status = 400


class BadRequest(S3Error):
    code = "BadRequest"
    message = "Bad Request"
    status = 400


class NoSuchLifecycleConfiguration(S3Error):
    code = "NoSuchLifecycleConfiguration"
    message = "The lifecycle configuration does not exist"
    status = 404


class NoSuchBucketPolicy(S3Error):
    code = "NoSuchBucketPolicy"
    message = "The bucket policy does not exist"
    status = 404


class NoSuchTagSet(S3Error):
    code = "NoSuchTagSet"
    message = "The TagSet does not exist"
    status = 404


class NoSuchCORSConfiguration(S3Error):
    code = "NoSuchCORSConfiguration"
    message = "The CORS configuration does not exist"
    status = 404


class MethodNotAllowed(S3Error):
    code = "MethodNotAllowed"
    message = "The specified method is not allowed against this resource."
    status = 405


class IllegalVersioningConfigurationException(S3Error):
    code = "IllegalVersioningConfigurationException"
    message = "The Versioning element must be specified"
    status = 400


class NotImplementedHeader(S3Error):
    code = "NotImplemented"
    message = "A header you provided implies functionality that is not implemented"
    status = 501


class AccessDenied(S3Error):
    code = "AccessDenied"
    message = "Access Denied"
    status = 403


class MalformedACLError(S3Error):
    code = "MalformedACLError"
    message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )
    status = 400


class UnresolvableGrantByEmailAddress(S3Error):
    code = "UnresolvableGrantByEmailAddress"
    message = "The e-mail address you provided does not match any account on record."
    status = 400


class UnexpectedContent(S3Error):
    code = "UnexpectedContent"
    message = "This request does not support content"
    status = 400


class AccessControlListNotSupported(S3Error):
    code = "AccessControlListNotSupported"
    message = "The bucket does not allow ACLs"
    status = 400


class InvalidBucketAclWithObjectOwnership(S3Error):
    code = "InvalidBucketAclWithObjectOwnership"
    message = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
    status = 400


class NoSuchPublicAccessBlockConfiguration(S3Error):
    code = "NoSuchPublicAccessBlockConfiguration"
    message = "The public access block configuration was not found"
    status = 404


class OwnershipControlsNotFoundError(S3Error):
    code = "OwnershipControlsNotFoundError"
    message = "The bucket ownership controls were not found"
    status = 404


class ServerSideEncryptionConfigurationNotFoundError(S3Error):
    code = "ServerSideEncryptionConfigurationNotFoundError"
    message = "The server side encryption configuration was not found"
    status = 404


class NoSuchWebsiteConfiguration(S3Error):
    code = "NoSuchWebsiteConfiguration"
    message = "The specified bucket does not have a website configuration"
    status = 404


class ReplicationConfigurationNotFoundError(S3Error):
    code = "ReplicationConfigurationNotFoundError"
    message = "The replication configuration was not found"
    status = 404


class ObjectLockConfigurationNotFoundError(S3Error):
    code = "ObjectLockConfigurationNotFoundError"
    message = "Object Lock configuration does not exist for this bucket"
    status = 404


class MetadataTooLarge(S3Error):
    code = "MetadataTooLarge"
    message = "Your metadata headers exceed the maximum allowed metadata size."
    status = 400


class InvalidBucketAclWithBlockPublicAccessError(S3Error):
    code = "InvalidBucketAclWithBlockPublicAccessError"
    message = "Bucket cannot have public ACLs set with BlockPublicAccess enabled"
    status = 400
