import { Type } from 'typebox'
import { MIN_PASSWORD_LENGTH } from '../../services/auth.js'

export const LoginBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
)

export const PasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024 }),
    new_password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, description: `At least ${MIN_PASSWORD_LENGTH} characters` }),
  },
  { additionalProperties: false },
)

export const NotificationSettings = Type.Object(
  { notify_email: Type.Boolean({ description: 'Workflow emails: submissions for review, changes requested, approvals, new notes' }) },
  { additionalProperties: false },
)

export const NotificationSettingsBody = Type.Object(
  { notify_email: Type.Optional(Type.Boolean({ description: 'false: no more workflow emails to this account' })) },
  { additionalProperties: false, minProperties: 1 },
)
