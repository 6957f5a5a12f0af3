// The shapes of the API's answers that the app reads (src/api/openapi.json has them all).

export interface Account {
  id: string
  kind: 'person' | 'org'
  name: string
  status: string
  verification: string // "unverified" | "pending" | "verified" | "rejected"
  created_at: string
  email?: string
  mobile?: string
  id_number_masked?: string
  credit_code?: string
  legal_representative?: string
  totp?: boolean
  operator?: boolean
  verified_by?: string
}

export interface Membership {
  org_id: string
  person_id: string
  role: Role
  created_at: string
  org_name?: string
  person_name?: string
  person_email?: string
}

export type Role = 'admin' | 'seal_manager' | 'signer' | 'viewer'

export interface CertificateInfo {
  serial: string
  ca: string
  subject: string
  profile: string
  not_before: string
  not_after: string
  status: string
  fingerprint: string
  pem: string
}

export interface Me extends Account {
  memberships: Membership[]
  certificates: CertificateInfo[]
  session: { method: string; expires_at: string }
}

export interface Org extends Account {
  certificates?: CertificateInfo[]
}

export interface Grant {
  id: string
  org_id: string
  person_id: string
  contract_types: string[]
  granted_by: string
  created_at: string
  not_after: string | null
  revoked_at: string | null
  revoked_by?: string
}

export interface Verification {
  id: string
  account_id: string
  provider: string
  state: 'pending' | 'approved' | 'rejected'
  summary: string
  reason: string
  submitted_at: string
  decided_at: string | null
}

export interface Seal {
  id: string
  owner_id: string
  kind: string
  name: string
  seal_code: string
  center_text: string
  owner_name: string
  image_url: string
  width: number
  height: number
  status: 'active' | 'suspended' | 'revoked'
  status_reason: string
  created_at: string
}

export interface Field {
  page: number
  x: number
  y: number
  width: number
  height: number
}

export interface Party {
  index: number
  person_id: string
  name: string
  org_id?: string
  field: Field
  status: 'pending' | 'signed' | 'rejected'
  signed_at: string | null
  signature_id?: string
  appearance?: string
}

export type ContractState =
  | 'draft'
  | 'sent'
  | 'partially_signed'
  | 'completed'
  | 'rejected'
  | 'revoked'
  | 'expired'

export interface Contract {
  id: string
  title: string
  creator_id: string
  org_id: string | null
  contract_type: string
  document_id: string
  document_sm3: string
  flow: 'sequential' | 'parallel' | 'single'
  state: ContractState
  deadline: string | null
  parties: Party[]
  to_sign: number[]
  encrypted_at_rest: boolean
  created_at: string
  updated_at: string
  sent_at: string | null
  completed_at: string | null
  reason?: string
}

export interface DocumentInfo {
  id: string
  file_name: string
  sm3: string
  size: number
  pages: number
  org_id: string | null
  encrypted_at_rest: boolean
  created_at: string
}

export interface ContractEvent {
  seq: number
  type: string
  actor: string
  at: string
  details: Record<string, unknown>
  leaf_index: number | null
}

export interface AuditEvent {
  index: number
  type: string
  actor: string
  at: string
  details: Record<string, unknown>
}

export interface IntentAnswer {
  party: number
  statement: string
  statement_sm3: string
  code_id?: string
  intent_id?: string
  intent_token?: string
  expires_at?: string
}

export interface SignAnswer {
  contract: Contract
  party: number
  signature_id: string
  completed: boolean
}

export interface Modification {
  revision: number
  kind: string
  description: string
  allowed: boolean
}

export interface ReportTimestamp {
  time: string
  tsa: string
  serial: string
  policy: string
  valid: boolean
  problem: string
}

export interface SignatureReport {
  field: string
  kind: 'signature' | 'document-timestamp'
  subFilter: string
  indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE'
  subIndication: string
  message: string
  signer: string
  signerName: string
  signerSerial: string
  issuer: string
  chain: string[]
  signatureAlgorithm: string
  digestAlgorithm: string
  claimedSigningTime: string
  provenSigningTime: string
  timestamp?: ReportTimestamp
  level: string
  revocation: string[]
  revision: number
  coversWholeFile: boolean
  certification: boolean
  docMdpPermission?: number
  reason: string
  location: string
  modifications: Modification[]
  warnings: string[]
}

export interface ValidationReport {
  format: string
  version: number
  size: number
  sha256: string
  revisions: number
  validationTime: string
  allPassed: boolean
  signatures: SignatureReport[]
}
