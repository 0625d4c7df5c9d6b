# The public keys of a private_key_jwt client, checked at plan with the rules of the clients CLI
# (functions/token/core/public-key-text.ts, client-keys.ts and jws-verify.ts's prepareVerifyKey)
# and with its messages, as far as Terraform's functions can: key type, curve, algorithm, use,
# members, RSA size and exponent, EC coordinate lengths, kid, private keys, count and repeated kids.
# What they cannot check (a point not on its curve, a degenerate key anyone could sign for, an
# RSA PEM of an unusual encoding, an X.509 certificate) the token function checks with the CLI's
# own code when it reads the declaration: such a key is left out and `clients show` names it.
# test/terraform/client-validation.test.ts runs both over the same keys.

locals {
  b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

  # What node:crypto calls each key type in prepareVerifyKey's messages.
  node_key_type = { RSA = "rsa", EC = "ec", OKP = "ed25519" }

  # One entry per text of var.public_keys: PEM or JSON, and the JWKs a JSON text holds.
  key_texts = [
    for i, text in var.public_keys : {
      index = i
      pem   = strcontains(text, "-----BEGIN")
      json  = strcontains(text, "-----BEGIN") ? null : try(jsondecode(text), null)
      valid = strcontains(text, "-----BEGIN") || can(jsondecode(text))
      text  = text
    }
  ]

  # A JSON text is a JWKS when it is an object whose keys member is a list, else one JWK.
  # (JSON's array: something with a length that is neither a string nor an object.)
  # (Both branches as list comprehensions: a conditional cannot choose between tuples of two lengths.)
  jwk_lists = {
    for t in local.key_texts : t.index => concat(
      [for k in try(t.json.keys, []) : k if can(length(t.json.keys)) && !can(keys(t.json.keys)) && !can(tostring(t.json.keys))],
      [for j in [t.json] : j if !(can(length(t.json.keys)) && !can(keys(t.json.keys)) && !can(tostring(t.json.keys)))],
    ) if !t.pem && t.valid
  }

  # Each JWK, with what loadClientJwk would decide about it in order.
  jwks = flatten([
    for index, list in local.jwk_lists : [
      for position, k in list : merge({ text = tonumber(index), position = position + 1, count = length(list) }, {
        members                              = try(keys(k), null)
        raw                                  = k
      })
    ]
  ])

  jwk_checks = [
    for j in local.jwks : merge(j, {
      # loadClientJwk's checks, each the problem or "".
      private = j.members == null ? [] : [for m in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] : m if contains(j.members, m)]
      kty     = j.members == null ? null : (contains(j.members, "kty") ? j.raw.kty : null)
      crv     = j.members == null ? null : (contains(j.members, "crv") ? j.raw.crv : null)
      alg_in  = j.members == null ? null : (contains(j.members, "alg") ? j.raw.alg : null)
      has_use = j.members == null ? false : contains(j.members, "use")
      kid     = j.members == null ? null : (contains(j.members, "kid") ? j.raw.kid : null)
    })
  ]

  jwk_problems = [
    for j in local.jwk_checks : merge(j, {
      default_alg = (
        try(j.kty == "RSA", false) ? "RS256" :
        try(j.kty == "EC" && j.crv == "P-256", false) ? "ES256" :
        try(j.kty == "EC" && j.crv == "P-384", false) ? "ES384" :
        try(j.kty == "OKP" && j.crv == "Ed25519", false) ? "EdDSA" : null
      )
    })
  ]

  jwk_verdicts = [
    for j in local.jwk_problems : merge(j, {
      # The alg the key is registered with: given, else its type's; `Ed25519` is EdDSA.
      alg = (
        j.alg_in == null ? j.default_alg :
        try(j.alg_in == "Ed25519", false) ? "EdDSA" :
        try(contains(["RS256", "PS256", "ES256", "ES384", "EdDSA"], j.alg_in), false) ? j.alg_in : null
      )
      kty_json = j.kty == null ? "undefined" : jsonencode(j.kty)
      crv_json = j.crv == null ? "undefined" : jsonencode(j.crv)
      # Public members, base64url (node:crypto also takes '+', '/' and '=' padding).
      n = try(trimsuffix(trimsuffix(replace(replace(j.raw.n, "+", "-"), "/", "_"), "="), "="), null)
      e = try(trimsuffix(trimsuffix(replace(replace(j.raw.e, "+", "-"), "/", "_"), "="), "="), null)
      x = try(trimsuffix(trimsuffix(replace(replace(j.raw.x, "+", "-"), "/", "_"), "="), "="), null)
      y = try(trimsuffix(trimsuffix(replace(replace(j.raw.y, "+", "-"), "/", "_"), "="), "="), null)
    })
  ]

  jwk_sizes = [
    for j in local.jwk_verdicts : merge(j, {
      # RSA modulus bits: the bits the text encodes, less the leading zero bits (6 per leading
      # 'A', then those of the first other digit).
      rsa_bits = try(
        8 * floor(6 * length(j.n) / 8) - 6 * length(regex("^A*", j.n)) - (
          6 - [for b in [6, 5, 4, 3, 2, 1] : b if index(split("", local.b64url), substr(j.n, length(regex("^A*", j.n)), 1)) >= pow(2, b - 1)][0]
        ),
        2048
      )
      # RSA public exponent, when it fits 256 bits (larger ones are refused anyway).
      rsa_e = try(
        length(j.e) <= 44 ? floor(
          sum([for i, c in split("", j.e) : index(split("", local.b64url), c) * pow(64, length(j.e) - 1 - i)])
          / pow(2, 6 * length(j.e) - 8 * floor(6 * length(j.e) / 8))
        ) : pow(2, 256),
        65537
      )
    })
  ]

  # The first problem of each JWK, in loadClientJwk's order ("" when none).
  jwk_messages = [
    for j in local.jwk_sizes : {
      text     = j.text
      position = j.position
      count    = j.count
      kid      = try(j.kid == tostring(j.kid), false) ? j.kid : null
      problem = (
        j.members == null ? "is not a JWK (a JSON object)" :
        length(j.private) > 0 ? (
          j.private[0] == "k" ? "is a symmetric (HMAC) key; register an asymmetric public key" :
          "is a private key (it has the private member \"${j.private[0]}\"); register the public key only"
        ) :
        !try(contains(["RSA", "EC", "OKP"], j.kty), false) ? "has unsupported kty ${j.kty_json}; use RSA, EC or OKP" :
        j.kty != "RSA" && j.default_alg == null ? "has unsupported curve ${j.crv_json}; use P-256 or P-384 (EC) or Ed25519 (OKP)" :
        j.alg == null ? "has alg ${jsonencode(j.alg_in)}; use one of RS256, PS256, ES256, ES384, EdDSA, Ed25519 (never none or HMAC)" :
        j.has_use && !try(j.raw.use == "sig", false) ? "has use ${jsonencode(try(j.raw.use, null))}; a client assertion key is use \"sig\"" :
        # Non-empty strings (a value equal to its string form is a string).
        !alltrue([for m in(j.kty == "RSA" ? tolist(["n", "e"]) : j.kty == "EC" ? tolist(["x", "y"]) : tolist(["x"])) : try(j.raw[m] == tostring(j.raw[m]) && j.raw[m] != "", false)]) ? "is missing a member of a ${j.kty} public key (${j.kty == "RSA" ? "kty, n, e" : j.kty == "EC" ? "kty, crv, x, y" : "kty, crv, x"})" :
        # createPublicKey: base64url members, EC and Ed25519 coordinates of the curve's length.
        !alltrue([for m in(j.kty == "RSA" ? tolist([j.n, j.e]) : j.kty == "EC" ? tolist([j.x, j.y]) : tolist([j.x])) : can(regex("^[A-Za-z0-9_-]+$", m))]) ? "is not a valid ${j.kty} public key" :
        try(j.kty == "EC" && !(length(j.x) == (j.crv == "P-256" ? 43 : 64) && length(j.y) == length(j.x)), false) ? "is not a valid EC public key" :
        try(j.kty == "OKP" && length(j.x) != 43, false) ? "is not a valid OKP public key" :
        # prepareVerifyKey: the key fits its alg.
        contains(["RS256", "PS256"], j.alg) && j.kty != "RSA" ? "does not fit its alg: ${j.alg} needs an RSA key, not ${local.node_key_type[j.kty]}" :
        j.alg == "ES256" && !(j.kty == "EC" && j.crv == "P-256") ? "does not fit its alg: ES256 needs an EC P-256 key" :
        j.alg == "ES384" && !(j.kty == "EC" && j.crv == "P-384") ? "does not fit its alg: ES384 needs an EC P-384 key" :
        j.alg == "EdDSA" && j.kty != "OKP" ? "does not fit its alg: EdDSA needs an Ed25519 key" :
        j.kty == "RSA" && j.rsa_bits < 2048 ? "does not fit its alg: a ${j.rsa_bits}-bit RSA key is too weak; ${j.alg} needs at least 2048 bits" :
        j.kty == "RSA" && j.rsa_bits > 4096 ? "does not fit its alg: a ${j.rsa_bits}-bit RSA key is too large; ${j.alg} takes at most 4096 bits here" :
        j.kty == "RSA" && (j.rsa_e < 65537 || j.rsa_e >= pow(2, 256) || j.rsa_e % 2 == 0) ? "does not fit its alg: an RSA key with public exponent ${j.rsa_e >= pow(2, 256) ? "of over 256 bits" : tostring(j.rsa_e)} is unsafe; the exponent must be odd, from 65537 to below 2^256" :
        j.kty == "RSA" && j.rsa_bits > 3072 && j.rsa_e >= pow(2, 64) ? "does not fit its alg: a ${j.rsa_bits}-bit RSA key with a public exponent over 64 bits cannot verify anything; above 3072 bits OpenSSL takes exponents below 2^64 only" :
        j.kid != null && !(try(j.kid == tostring(j.kid), false) && can(regex("^[\\x21-\\x7e]{1,128}$", j.kid))) ? "has a kid that is not 1-128 printable ASCII characters without spaces" :
        ""
      )
    }
  ]

  # PEM texts: a private key is refused before anything else; a public key's type and size read
  # from its DER encoding where it is one this module recognises (SPKI of Ed25519, P-256, P-384,
  # the curves the CLI refuses, and RSA; PKCS#1 RSA), else left to the token function.
  pem_checks = [
    for t in local.key_texts : {
      index   = t.index
      private = can(regex("-----BEGIN [A-Z ]*PRIVATE KEY-----", t.text))
      label   = try(regex("-----BEGIN ([A-Z0-9 ]+)-----", t.text)[0], "")
      body    = try(replace(regex("-----BEGIN [A-Z0-9 ]+-----([A-Za-z0-9+/=\\s]*)-----END [A-Z0-9 ]+-----", t.text)[0], "/\\s/", ""), null)
    } if t.pem
  ]

  pem_messages = [
    for p in local.pem_checks : {
      text = p.index
      # DER bytes, from the base64 length and its padding.
      der = p.body == null ? 0 : floor(length(p.body) / 4) * 3 - length(regex("=*$", p.body))
      problem = (
        p.private ? "is a private key; give the public key (openssl pkey -in key.pem -pubout)" :
        p.body == null || !contains(["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"], p.label) || length(p.body) % 4 != 0 ? "is not a valid public key PEM" :
        p.label == "PUBLIC KEY" && startswith(p.body, "MCowBQYDK2VuAyEA") ? "has unsupported curve \"X25519\"; use P-256 or P-384 (EC) or Ed25519 (OKP)" :
        p.label == "PUBLIC KEY" && startswith(p.body, "MEMwBQYDK2VxAzoA") ? "has unsupported curve \"Ed448\"; use P-256 or P-384 (EC) or Ed25519 (OKP)" :
        p.label == "PUBLIC KEY" && startswith(p.body, "MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQ") ? "has unsupported curve \"P-521\"; use P-256 or P-384 (EC) or Ed25519 (OKP)" :
        p.label == "PUBLIC KEY" && startswith(p.body, "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE") ? "has unsupported curve \"secp256k1\"; use P-256 or P-384 (EC) or Ed25519 (OKP)" :
        ""
      )
      # RSA modulus bits for the standard encodings (e = 65537): SPKI with a two-byte DER length
      # (30 82 ...) has 38 bytes around the modulus, PKCS#1 14; with a one-byte length, 33 and 11.
      rsa_bits = (
        p.label == "PUBLIC KEY" && p.body != null && try(substr(p.body, 8, 16) == "BgkqhkiG9w0BAQEF", false) ? (floor(length(p.body) / 4) * 3 - length(regex("=*$", p.body)) - 38) * 8 :
        p.label == "PUBLIC KEY" && p.body != null && try(substr(p.body, 4, 22) == "MA0GCSqGSIb3DQEBAQUAA4", false) ? (floor(length(p.body) / 4) * 3 - length(regex("=*$", p.body)) - 34) * 8 :
        p.label == "RSA PUBLIC KEY" && p.body != null && try(startswith(p.body, "MII"), false) ? (floor(length(p.body) / 4) * 3 - length(regex("=*$", p.body)) - 14) * 8 :
        p.label == "RSA PUBLIC KEY" && p.body != null && try(startswith(p.body, "MIG"), false) ? (floor(length(p.body) / 4) * 3 - length(regex("=*$", p.body)) - 12) * 8 :
        null
      )
    }
  ]

  # Every problem of the set, in the CLI's words, prefixed as the token function prefixes them.
  key_problems = concat(
    [for t in local.key_texts : "public_keys[${t.index}] is neither a PEM public key nor a JWK or JWKS (JSON)" if !t.valid],
    [for t in local.key_texts : "public_keys[${t.index}] holds no key" if !t.pem && t.valid && try(length(local.jwk_lists[t.index]) == 0, false)],
    [for p in local.pem_messages : "public_keys[${p.text}] ${p.problem}" if p.problem != ""],
    [
      for p in local.pem_messages : "public_keys[${p.text}] does not fit its alg: a ${p.rsa_bits}-bit RSA key is too ${p.rsa_bits < 2048 ? "weak; RS256 needs at least 2048 bits" : "large; RS256 takes at most 4096 bits here"}"
      if p.problem == "" && p.rsa_bits != null && try(p.rsa_bits < 2048 || p.rsa_bits > 4096, false)
    ],
    [for m in local.jwk_messages : "public_keys[${m.text}] ${m.count > 1 ? "key ${m.position} " : ""}${m.problem}" if m.problem != ""],
  )

  # The whole set (validateClientKeys): at most 5 keys, no kid twice (keys numbered across every
  # text, as the CLI numbers them; a key without kid gets its thumbprint, which only the token
  # function computes), and no text twice.
  all_keys = flatten([
    for t in local.key_texts : concat([for p in [t] : { kid = null } if p.pem], [for m in local.jwk_messages : { kid = m.kid } if m.text == t.index])
  ])
  given_kids = [for i, k in local.all_keys : { position = i + 1, kid = k.kid } if k.kid != null]
  set_problems = concat(
    length(local.all_keys) > 5 ? ["public_keys: a client holds at most 5 keys, got ${length(local.all_keys)}"] : [],
    [
      for k in local.given_kids : "public_keys: key ${k.position} duplicates kid ${k.kid}"
      if try([for o in local.given_kids : o.position if o.kid == k.kid][0], k.position) != k.position
    ],
    [for i, text in var.public_keys : "public_keys[${i}] repeats public_keys[${index(var.public_keys, text)}]" if index(var.public_keys, text) != i],
  )

  public_key_problems = concat(local.key_problems, local.set_problems)
}
