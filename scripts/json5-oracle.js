#!/usr/bin/env node
// json5-oracle.js [--why] FILE...: what npm json5 makes of each file, one
// line per file, in the canonical form tests/support/json5_canon prints
// (compact JSON, keys sorted bytewise, numbers as Number#toString), or
// ERROR when JSON5.parse throws.
//
// With --why each line gets a tab and a tag naming a documented deviation
// of our parser that applies to this input ("-" when none):
//   nonfinite     the value holds NaN or +-Infinity (we reject them)
//   surrogate     a string or key holds an unpaired UTF-16 surrogate
//   invalid-utf8  the file is not valid UTF-8 (node decodes it lossily)
//   deep          nesting deeper than 128 (our default limit)
//   identifier    node rejected a non-ASCII identifier character (our
//                 identifier names are a documented superset)
'use strict'

const fs = require('fs')
const path = require('path')

function loadJSON5 () {
    const local = path.join(__dirname, '..', '.deps', 'node', 'node_modules',
        'json5')
    try {
        return require(local)
    } catch (e) {
        return require('json5')
    }
}

const JSON5 = loadJSON5()
const MAX_DEPTH = 128
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function byBytes (a, b) {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

function canon (v) {
    if (v === null || typeof v !== 'object') {
        return typeof v === 'string' ? JSON.stringify(v) : String(v)
    }
    if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']'
    const keys = Object.keys(v).sort(byBytes)
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canon(v[k]))
        .join(',') + '}'
}

// Tags for the values in v (which may be a value a later duplicate key
// replaced, so not part of the result).
function scan (v, tags) {
    if (typeof v === 'number' && !Number.isFinite(v)) tags.add('nonfinite')
    if (typeof v === 'string' && LONE.test(v)) tags.add('surrogate')
    if (v === null || typeof v !== 'object') return
    for (const k of Object.keys(v)) {
        if (LONE.test(k)) tags.add('surrogate')
        scan(v[k], tags)
    }
}

// Deepest nesting of [ and { outside strings and comments.
function maxDepth (text) {
    let depth = 0
    let max = 0
    for (let i = 0; i < text.length; i++) {
        const c = text[i]
        if (c === '"' || c === "'") {
            for (i++; i < text.length && text[i] !== c; i++) {
                if (text[i] === '\\') i++
            }
        } else if (c === '/' && text[i + 1] === '/') {
            while (i < text.length && !/[\n\r\u2028\u2029]/.test(text[i])) i++
        } else if (c === '/' && text[i + 1] === '*') {
            const end = text.indexOf('*/', i + 2)
            i = end < 0 ? text.length : end + 1
        } else if (c === '[' || c === '{') {
            max = Math.max(max, ++depth)
        } else if (c === ']' || c === '}') {
            depth--
        }
    }
    return max
}

// JSON5.parse, also collecting every member value it defines: json5 adds
// object members with Object.defineProperty, so values that a duplicate
// key later replaces are seen too.
function parseWatching (text, seen) {
    const define = Object.defineProperty
    Object.defineProperty = function (obj, key, desc) {
        if (desc && 'value' in desc) seen.push([key, desc.value])
        return define.call(Object, obj, key, desc)
    }
    try {
        return JSON5.parse(text)
    } finally {
        Object.defineProperty = define
    }
}

// Did node stop at a non-ASCII character in an identifier?
function identifierError (err) {
    const m = /^JSON5: invalid character '(.*)' at \d+:\d+$/su.exec(err.message)
    if (m) return m[1].codePointAt(0) >= 0x80
    return /^JSON5: invalid identifier character/.test(err.message)
}

function oracle (file) {
    const raw = fs.readFileSync(file)
    const text = raw.toString('utf8')
    const tags = new Set()
    const seen = []
    let line

    if (!Buffer.from(text, 'utf8').equals(raw)) tags.add('invalid-utf8')
    try {
        const v = parseWatching(text, seen)
        line = canon(v)
        scan(v, tags)
        for (const [k, x] of seen) scan({ [k]: x }, tags)
        if (maxDepth(text) > MAX_DEPTH) tags.add('deep')
    } catch (err) {
        if (!(err instanceof SyntaxError)) throw err
        line = 'ERROR'
        if (identifierError(err)) tags.add('identifier')
    }
    return { line, tags: [...tags].sort() }
}

function main (argv) {
    const why = argv[0] === '--why'
    const files = why ? argv.slice(1) : argv
    const out = []

    console.warn = () => {} // json5 warns about raw U+2028 in strings
    for (const f of files) {
        const r = oracle(f)
        out.push(why ? r.line + '\t' + (r.tags.join(',') || '-') : r.line)
    }
    process.stdout.write(out.join('\n') + (out.length ? '\n' : ''))
}

main(process.argv.slice(2))
