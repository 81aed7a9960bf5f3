import t from 'tap'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

const POWERFUL = ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'fullscreen', 'sync-xhr', 'autoplay']

t.test('Permissions-Policy switches every powerful feature off, on every kind of answer', async (t) => {
  const app = await build(t)
  const editor = await createUser(app, 'editor')
  const answers = {
    'public JSON': await app.inject({ url: '/health/live' }),
    'admin JSON': await app.inject({ url: '/v1/admin/articles', headers: editor.auth }),
    'a problem': await app.inject({ url: '/v1/nothing-here' }),
    'a 401': await app.inject({ url: '/v1/admin/articles' }),
    'the OpenAPI document': await app.inject({ url: '/openapi.json' }),
    'the docs page': await app.inject({ url: '/docs' }),
    'a newsletter page': await app.inject({ url: '/newsletter/confirm?token=x' }),
  }
  for (const [name, res] of Object.entries(answers)) {
    const policy = String(res.headers['permissions-policy'])
    for (const feature of POWERFUL) t.match(policy, new RegExp(`(^|, )${feature}=\\(\\)(,|$)`), `${name}: ${feature} off`)
    t.notMatch(policy, /=\((?!\))/, `${name}: no feature is allowed to any origin`)
  }
  t.match(answers['public JSON'].headers['content-security-policy'], /frame-ancestors 'none'/, 'the API is never framed')
  // /docs keeps swagger-ui's own CSP: framed by its own origin at most (see security-headers.ts).
  t.match(answers['the docs page'].headers['content-security-policy'], /frame-ancestors 'self'/)
  t.equal(answers['the docs page'].headers['x-frame-options'], 'DENY')
})
