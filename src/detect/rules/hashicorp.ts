import { defineRules } from '../rule.js';

export const hashicorpRules = defineRules([
  {
    id: 'vault-service-token',
    title: 'HashiCorp Vault service token',
    severity: 'critical',
    provider: 'vault',
    keywords: ['hvs.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>hvs\.[A-Za-z0-9_-]{90,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it: vault token revoke -accessor ACCESSOR (or the token itself).',
    examples: {
      positive: [
        { text: 'KEY=hvs.0tHXhTC8lEHFXEyuhIHqtS2C6hKxcL3nGd_I2c97OYzoHU3y1PgBTu24u-Wx0wjRQeIXgqmJEQn9FAIDaJBlKPnzbO', secret: 'hvs.0tHXhTC8lEHFXEyuhIHqtS2C6hKxcL3nGd_I2c97OYzoHU3y1PgBTu24u-Wx0wjRQeIXgqmJEQn9FAIDaJBlKPnzbO' },
        { text: 'token: "hvs.9goykKqtW93MryJSjzifB9xn4qG4K_QNn1hllXFDw5-9AnrCre_m6TNZ9iY3H3NfFVzK12TwT-kJFzoQzUlOdE4Z79"', secret: 'hvs.9goykKqtW93MryJSjzifB9xn4qG4K_QNn1hllXFDw5-9AnrCre_m6TNZ9iY3H3NfFVzK12TwT-kJFzoQzUlOdE4Z79' },
      ],
      negative: [
        'KEY=hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'hvs. is the prefix of HashiCorp Vault service token values',
        // near miss: one character short
        'KEY=hvs.0tHXhTC8lEHFXEyuhIHqtS2C6hKxcL3nGd_I2c97OYzoHU3y1PgBTu24u-Wx0wjRQeIXgqmJEQn9FAIDaJBlKPnzb',
      ],
    },
  },
  {
    id: 'vault-batch-token',
    title: 'HashiCorp Vault batch token',
    severity: 'high',
    provider: 'vault',
    keywords: ['hvb.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>hvb\.[A-Za-z0-9_-]{90,400})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Batch tokens cannot be revoked individually; revoke the parent or rotate the auth role and wait for expiry.',
    examples: {
      positive: [
        { text: 'KEY=hvb.YKhLwk1N5Fj-eU4iVRWNwrfVgFOf3O79dUZFaY8tg4emNhqaVS6xWo0oioN19mQHfNZpRSTepnxv4lcyMTin2C276ywNPO73k5CVi6CGqVS7qZU4UG1r7A408jKxisTp2uqX1no4sl', secret: 'hvb.YKhLwk1N5Fj-eU4iVRWNwrfVgFOf3O79dUZFaY8tg4emNhqaVS6xWo0oioN19mQHfNZpRSTepnxv4lcyMTin2C276ywNPO73k5CVi6CGqVS7qZU4UG1r7A408jKxisTp2uqX1no4sl' },
        { text: 'token: "hvb.uUjqSD2wj47TTJNS4_2mINR8nx0sxOoDbrwo29dD912o5dq0_NWtemBxCdlTy-YXeCiiombohixRm0mqj1cZyQo9MXjgHFSO9IStC2cT4GX3m1XxBsiV20xJQcmv51yoU5VXL4J7e0"', secret: 'hvb.uUjqSD2wj47TTJNS4_2mINR8nx0sxOoDbrwo29dD912o5dq0_NWtemBxCdlTy-YXeCiiombohixRm0mqj1cZyQo9MXjgHFSO9IStC2cT4GX3m1XxBsiV20xJQcmv51yoU5VXL4J7e0' },
      ],
      negative: [
        'KEY=hvb.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'hvb. is the prefix of HashiCorp Vault batch token values',
        // near miss: embedded in a longer token
        'KEY=Zqhvb.YKhLwk1N5Fj-eU4iVRWNwrfVgFOf3O79dUZFaY8tg4emNhqaVS6xWo0oioN19mQHfNZpRSTepnxv4lcyMTin2C276ywNPO73k5CVi6CGqVS7qZU4UG1r7A408jKxisTp2uqX1no4sl',
      ],
    },
  },
  {
    id: 'vault-recovery-token',
    title: 'HashiCorp Vault recovery token',
    severity: 'critical',
    provider: 'vault',
    keywords: ['hvr.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>hvr\.[A-Za-z0-9_-]{90,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it and regenerate recovery credentials.',
    examples: {
      positive: [
        { text: 'KEY=hvr.0Pq3e03tkOH-PtcOiFLwziIH6l58_7OjvjkEv8o6A5zOrVz5wIvwG7BMcMWYUXSf7c1h3EqXkhFfnJbW9n0Yxqw35i', secret: 'hvr.0Pq3e03tkOH-PtcOiFLwziIH6l58_7OjvjkEv8o6A5zOrVz5wIvwG7BMcMWYUXSf7c1h3EqXkhFfnJbW9n0Yxqw35i' },
        { text: 'token: "hvr.i440LVdi8I9uqrG1g71LFRABXr82erc535nPI1gCbaJ0b8ihGAhuDEsc0t8thEZ78pAOft1dMX13ha4WMmbCh5e5K5"', secret: 'hvr.i440LVdi8I9uqrG1g71LFRABXr82erc535nPI1gCbaJ0b8ihGAhuDEsc0t8thEZ78pAOft1dMX13ha4WMmbCh5e5K5' },
      ],
      negative: [
        'KEY=hvr.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'hvr. is the prefix of HashiCorp Vault recovery token values',
        // near miss: one character short
        'KEY=hvr.0Pq3e03tkOH-PtcOiFLwziIH6l58_7OjvjkEv8o6A5zOrVz5wIvwG7BMcMWYUXSf7c1h3EqXkhFfnJbW9n0Yxqw35',
      ],
    },
  },
  {
    id: 'vault-legacy-token',
    title: 'HashiCorp Vault token (legacy s.)',
    severity: 'high',
    provider: 'vault',
    keywords: ['vault_token', 'x-vault-token', 'vault-token'],
    pattern: /(?:vault_token|x-vault-token|vault-token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>s\.[A-Za-z0-9]{24})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    revoke: 'Revoke it: vault token revoke TOKEN.',
    examples: {
      positive: [
        { text: 'VAULT_TOKEN=s.PuVbVgx6wKV4ta5Q8VT11HPS', secret: 's.PuVbVgx6wKV4ta5Q8VT11HPS' },
        { text: 'X-Vault-Token: s.PZ6ceqZuVAAerY6yLfZEOkEa', secret: 's.PZ6ceqZuVAAerY6yLfZEOkEa' },
      ],
      negative: ['VAULT_TOKEN=s.xxxxxxxxxxxxxxxxxxxxxxxx', 'VAULT_TOKEN=${VAULT_TOKEN}'],
    },
  },
  {
    id: 'terraform-cloud-token',
    title: 'Terraform Cloud / HCP Terraform API token',
    severity: 'critical',
    provider: 'terraform',
    keywords: ['.atlasv1.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Delete the token in HCP Terraform (User settings > Tokens, or the team/organization token page).',
    examples: {
      positive: [
        { text: 'TF_TOKEN_app_terraform_io=dhE6StfipkN3xX.atlasv1.8nfpNHJItwuqKJFDDGSBk0i6x6sho5B2MPpeJjuYc4svf2xbhMf2SD6d_W6E74ZzGoo', secret: 'dhE6StfipkN3xX.atlasv1.8nfpNHJItwuqKJFDDGSBk0i6x6sho5B2MPpeJjuYc4svf2xbhMf2SD6d_W6E74ZzGoo' },
        { text: 'credentials "app.terraform.io" { token = "DoIFJWOMPd92d0.atlasv1.gsKdlicDXjfR_hJ6-c7fKfKPo_XTHT3R7cABNmVh6mJHYQ3_oaOqbDV1pxFTc5H4EwL" }', secret: 'DoIFJWOMPd92d0.atlasv1.gsKdlicDXjfR_hJ6-c7fKfKPo_XTHT3R7cABNmVh6mJHYQ3_oaOqbDV1pxFTc5H4EwL' },
      ],
      negative: [
        'TF_TOKEN_app_terraform_io=xxxxxxxxxxxxxx.atlasv1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'the .atlasv1. infix marks these tokens',
        // near miss: embedded in a longer token
        'TF_TOKEN_app_terraform_io=ZqdhE6StfipkN3xX.atlasv1.8nfpNHJItwuqKJFDDGSBk0i6x6sho5B2MPpeJjuYc4svf2xbhMf2SD6d_W6E74ZzGoo',
      ],
    },
  },
  {
    id: 'hcp-client-secret',
    title: 'HashiCorp Cloud Platform client secret',
    severity: 'high',
    provider: 'hcp',
    keywords: ['hcp_client_secret'],
    pattern: /hcp_client_secret["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9_-]{64})(?![A-Za-z0-9_-])/i,
    minEntropy: 3.0,
    revoke: 'Delete the service principal key in the HCP portal.',
    examples: {
      positive: [
        { text: 'HCP_CLIENT_SECRET=bLp76ATLjFnua35qlTLir1ZxIl4FyEQRVZ91Y1OrxPdGemhR8-qr1uBFFfbVY-_y', secret: 'bLp76ATLjFnua35qlTLir1ZxIl4FyEQRVZ91Y1OrxPdGemhR8-qr1uBFFfbVY-_y' },
        { text: 'hcp_client_secret: "nEtDRCElBF4D-1keykU79PWvydrDpB3cdOumVebBlgbuYe3L14osEMgyI4YdfIaK"', secret: 'nEtDRCElBF4D-1keykU79PWvydrDpB3cdOumVebBlgbuYe3L14osEMgyI4YdfIaK' },
      ],
      negative: ['HCP_CLIENT_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'hcp_client_secret = var.secret'],
    },
  },
  {
    id: 'consul-acl-token',
    title: 'Consul ACL token',
    severity: 'high',
    provider: 'consul',
    keywords: ['consul_http_token', 'consul_token', 'x-consul-token'],
    pattern: /(?:consul_http_token|consul_token|x-consul-token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Delete it: consul acl token delete -id ACCESSOR.',
    examples: {
      positive: [
        { text: 'CONSUL_HTTP_TOKEN=61d79be6-ca29-4da1-a2af-f9ea963ed29d', secret: '61d79be6-ca29-4da1-a2af-f9ea963ed29d' },
        { text: 'X-Consul-Token: 19ba8b7e-7a3a-4442-afd2-b18d64a86803', secret: '19ba8b7e-7a3a-4442-afd2-b18d64a86803' },
      ],
      negative: ['CONSUL_HTTP_TOKEN=00000000-0000-0000-0000-000000000000', 'consul_token = var.token'],
    },
  },
]);
