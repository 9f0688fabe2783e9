/** log4j options: every accepted key form, refused keys and levels, and the syslog appender. */
import { describe, expect, test } from 'vitest'
import { parseProperties } from './java-properties.js'
import { checkLog4jOptions, renderLog4jOverrides } from './log4j.js'

describe('log4j options for log4j2', () => {
  test('logger levels in every accepted form, log4j2 keys as they are, $id replaced', () => {
    const text = renderLog4jOverrides(
      {
        'kafka.controller': 'debug',
        'log4j.logger.state.change.logger': 'TRACE, stdout',
        'log4j.rootLogger': 'WARN, stdout',
        'appender.f.fileName': '/tmp/k-$id.log',
      },
      3,
    )!
    const p = parseProperties(text)
    expect(Object.fromEntries(p)).toEqual({
      'logger.km0.name': 'kafka.controller',
      'logger.km0.level': 'DEBUG',
      'logger.km1.name': 'state.change.logger',
      'logger.km1.level': 'TRACE',
      'rootLogger.level': 'WARN',
      'appender.f.fileName': '/tmp/k-3.log',
    })
  })

  test('syslog adds a UDP syslog appender on localhost to the root logger', () => {
    const p = parseProperties(renderLog4jOverrides({}, 0, 'kafka-0')!)
    expect(p.get('appender.kmSyslog.type')).toBe('Syslog')
    expect(p.get('appender.kmSyslog.appName')).toBe('kafka-0')
    expect(p.get('rootLogger.appenderRef.kmSyslog.ref')).toBe('kmSyslog')
    expect(renderLog4jOverrides({}, 0)).toBeUndefined()
  })

  test('bad options name the field: a logger without a level, an unknown log4j 1 key, a bad key', () => {
    expect(() => checkLog4jOptions({ kafka: 'LOUD' })).toThrow(
      /^log4jOptions: kafka=LOUD: logger kafka takes a level, one of OFF\|FATAL/,
    )
    expect(() => checkLog4jOptions({ 'log4j.appender.x': 'y' })).toThrow(
      /^log4jOptions: log4j.appender.x: only log4j.rootLogger and log4j.logger/,
    )
    expect(() => checkLog4jOptions({ 'a b': 'INFO' })).toThrow(/^log4jOptions: invalid key "a b"/)
    expect(checkLog4jOptions({ rootLogger: 'info' })).toEqual({ rootLogger: 'info' })
  })
})
