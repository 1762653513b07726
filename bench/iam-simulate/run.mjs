// Runs RoleCall conformance cases through @cloud-copilot/iam-simulate, out of process.
//
// The package is AGPL-licensed: it is installed only in bench/iam-simulate/node_modules
// (git-ignored) and reached only through this script, never imported by the app.
//
// stdin:  a JSON list of cases in the engine contract's case format (annotation keys such as
//         "id" and "expected" are allowed and ignored here, except "id" which names the result).
// stdout: {"package": ..., "version": ..., "rounds": N, "cases": N, "total_ms": ...,
//          "evaluations_per_second": ..., "cpu_evaluations_per_second": ...,
//          "results": [{"id", "decision", "parts", "note"}]}
//
// Command line: node run.mjs [--rounds N]   (default 5: each case is run N times for timing;
// the decision reported is the one from the first round).

import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const pkg = JSON.parse(
  readFileSync(
    new URL('./node_modules/@cloud-copilot/iam-simulate/package.json', import.meta.url),
    'utf8'
  )
)

function parseArgs(argv) {
  let rounds = 5
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') {
      rounds = Number.parseInt(argv[i + 1], 10)
      i++
    }
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error('--rounds must be a positive integer')
  }
  return { rounds }
}

const DECISIONS = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny'
}

const IAM_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(.*)$/

// What kind of caller the case's principal is: decides whether it has an identity side.
function principalKind(principal) {
  const m = IAM_ARN.exec(principal)
  if (m) {
    const rest = m[3]
    if (rest === 'root') return { kind: 'account', account: m[2] }
    if (rest.startsWith('user/')) return { kind: 'user', account: m[2] }
    if (rest.startsWith('role/')) return { kind: 'role', account: m[2] }
    if (rest.startsWith('assumed-role/')) return { kind: 'session', account: m[2], rest }
    if (rest.startsWith('oidc-provider/') || rest.startsWith('saml-provider/')) {
      return { kind: 'federated', account: m[2] }
    }
    return { kind: 'other', account: m[2] }
  }
  if (/\.amazonaws\.com(\.cn)?$/.test(principal) && !principal.startsWith('cognito-identity.')) {
    return { kind: 'service' }
  }
  return { kind: 'federated' }
}

function accountOfArn(arn) {
  const parts = String(arn).split(':')
  return parts.length > 4 ? parts[4] : ''
}

function hasKey(context, name) {
  const lower = name.toLowerCase()
  return Object.keys(context).some((k) => k.toLowerCase() === lower)
}

// The documented global keys that follow from the principal, added when the case does not
// give them (our engine derives the same ones; iam-simulate does not derive them itself).
function withDerivedKeys(principal, info, context) {
  const out = { ...context }
  const put = (k, v) => {
    if (!hasKey(out, k)) out[k] = v
  }
  if (['account', 'user', 'role'].includes(info.kind)) {
    put('aws:PrincipalArn', principal)
    put('aws:PrincipalAccount', info.account)
    put('aws:PrincipalIsAWSService', 'false')
    if (info.kind === 'user') put('aws:username', principal.split('/').pop())
  } else if (info.kind === 'session') {
    const [, roleName] = info.rest.split('/')
    const partition = principal.split(':')[1]
    put('aws:PrincipalArn', `arn:${partition}:iam::${info.account}:role/${roleName}`)
    put('aws:PrincipalAccount', info.account)
    put('aws:PrincipalIsAWSService', 'false')
  } else if (info.kind === 'service') {
    put('aws:PrincipalServiceName', principal)
    put('aws:PrincipalIsAWSService', 'true')
  }
  return out
}

function toPolicyList(policies, prefix) {
  return (policies || []).map((policy, i) => ({ name: `${prefix}${i + 1}`, policy }))
}

function parsePolicy(value) {
  if (typeof value === 'string') {
    return JSON.parse(value)
  }
  return value
}

const ASSUME_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }]
}

// Maps one of our cases onto one or more iam-simulate simulations (one per action that AWS
// authorizes for the request: the AssumeRole* action itself, plus sts:TagSession when session
// tags are passed and sts:SetSourceIdentity when a source identity is set).
function simulationsFor(testCase) {
  const request = testCase.request
  const trust = parsePolicy(testCase.trust_policy)
  const info = principalKind(request.principal)
  const hasIdentitySide = ['user', 'role', 'session', 'account'].includes(info.kind)
  let identityPolicies
  if (!hasIdentitySide) {
    identityPolicies = []
  } else if (testCase.identity_policies === undefined) {
    // The contract: with no identity policies given, the caller's own permission is assumed.
    identityPolicies = [ASSUME_ALL]
  } else {
    identityPolicies = testCase.identity_policies
  }
  const context = withDerivedKeys(request.principal, info, request.context || {})
  const scps = (testCase.scps || []).map((level, i) => ({
    orgIdentifier: i === 0 ? 'r-root' : `ou-level-${i}`,
    policies: toPolicyList(level, `scp${i + 1}-`)
  }))
  // iam-simulate adds AWS's RCPFullAWSAccess to every level itself and refuses an Allow in
  // a custom RCP, so the cases' allow-everything policies (that same RCPFullAWSAccess) are
  // left out here; every other RCP is passed as it is.
  const isFullAccess = (policy) => {
    const p = parsePolicy(policy)
    const statements = Array.isArray(p.Statement) ? p.Statement : [p.Statement]
    return statements.every((st) => st.Effect === 'Allow' && st.Action === '*' && st.Resource === '*')
  }
  const rcps = (testCase.rcps || []).map((level, i) => ({
    orgIdentifier: i === 0 ? 'r-root' : `ou-level-${i}`,
    policies: toPolicyList(
      level.filter((policy) => !isFullAccess(policy)),
      `rcp${i + 1}-`
    )
  }))
  const base = {
    identityPolicies: toPolicyList(identityPolicies, 'identity'),
    serviceControlPolicies: hasIdentitySide ? scps : [],
    resourceControlPolicies: rcps,
    resourcePolicy: trust,
    permissionBoundaryPolicies:
      hasIdentitySide && testCase.permissions_boundary
        ? [{ name: 'boundary', policy: testCase.permissions_boundary }]
        : undefined,
    sessionPolicy: hasIdentitySide ? testCase.session_policy : undefined
  }
  const actions = [request.action]
  const lowerAction = String(request.action).toLowerCase()
  if (lowerAction.startsWith('sts:assumerole')) {
    const keys = Object.keys(context).map((k) => k.toLowerCase())
    if (keys.some((k) => k === 'aws:tagkeys' || k.startsWith('aws:requesttag/'))) {
      actions.push('sts:TagSession')
    }
    if (keys.includes('sts:sourceidentity')) {
      actions.push('sts:SetSourceIdentity')
    }
  }
  return actions.map((action) => ({
    ...base,
    request: {
      principal: request.principal,
      action,
      resource: { resource: request.role_arn, accountId: accountOfArn(request.role_arn) },
      contextVariables: context
    }
  }))
}

function combine(parts) {
  if (parts.some((p) => p.decision === 'error')) return 'error'
  if (parts.some((p) => p.decision === 'explicitDeny')) return 'explicitDeny'
  if (parts.every((p) => p.decision === 'allowed')) return 'allowed'
  return 'implicitDeny'
}

async function runOne(simulations) {
  const parts = []
  for (const simulation of simulations) {
    const response = await runSimulation(simulation, {})
    if (response.resultType === 'error') {
      const errors = response.errors
      const onlyTrust =
        errors.resourcePolicyErrors &&
        errors.resourcePolicyErrors.length > 0 &&
        Object.keys(errors).every((k) => k === 'message' || k === 'resourcePolicyErrors')
      parts.push({
        action: simulation.request.action,
        // A trust policy the package refuses could not be attached to a role either.
        decision: onlyTrust ? 'implicitDeny' : 'error',
        note: `${onlyTrust ? 'rejected trust policy' : 'input error'}: ${JSON.stringify(errors).slice(0, 300)}`
      })
    } else {
      const ignored = response.result ? response.result.ignoredContextKeys || [] : []
      parts.push({
        action: simulation.request.action,
        decision: DECISIONS[response.overallResult] || response.overallResult,
        ignored_context_keys: ignored
      })
    }
  }
  return parts
}

async function main() {
  const { rounds } = parseArgs(process.argv.slice(2))
  const cases = JSON.parse(readFileSync(0, 'utf8'))
  if (!Array.isArray(cases)) throw new Error('stdin must hold a JSON list of cases')

  const prepared = cases.map((testCase, index) => {
    const id = testCase.id ?? String(index)
    try {
      return { id, simulations: simulationsFor(testCase) }
    } catch (err) {
      return { id, skipped: `not given to iam-simulate: ${err.message}` }
    }
  })

  const results = []
  for (const item of prepared) {
    if (item.skipped) {
      results.push({ id: item.id, decision: null, note: item.skipped })
      continue
    }
    const parts = await runOne(item.simulations)
    const notes = parts.filter((p) => p.note).map((p) => p.note)
    const ignored = [...new Set(parts.flatMap((p) => p.ignored_context_keys || []))]
    results.push({
      id: item.id,
      decision: combine(parts),
      parts: parts.map((p) => ({ action: p.action, decision: p.decision })),
      ignored_context_keys: ignored,
      note: notes.join('; ') || undefined
    })
  }

  const runnable = prepared.filter((p) => !p.skipped)
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  for (let r = 0; r < rounds; r++) {
    for (const item of runnable) {
      for (const simulation of item.simulations) {
        await runSimulation(simulation, {})
      }
    }
  }
  const totalMs = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const evaluations = runnable.length * rounds
  process.stdout.write(
    JSON.stringify({
      package: pkg.name,
      version: pkg.version,
      rounds,
      cases: runnable.length,
      evaluations,
      total_ms: totalMs,
      evaluations_per_second: totalMs > 0 ? (evaluations * 1000) / totalMs : null,
      // CPU time of the whole process (GC threads included): steadier than the wall
      // clock on a machine shared with other work.
      cpu_evaluations_per_second: cpuMs > 0 ? (evaluations * 1000) / cpuMs : null,
      results
    })
  )
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`)
  process.exit(2)
})
