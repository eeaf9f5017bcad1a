// Application platforms and hosted databases: Heroku, Netlify, Fly.io, Render, Vercel, Supabase, PlanetScale.
import { defineRules } from '../rule.js';

export const hostingRules = defineRules([
  {
    id: 'heroku-api-key-v2',
    title: 'Heroku API key',
    severity: 'critical',
    provider: 'heroku',
    keywords: ['hrku-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>HRKU\-[A-Za-z0-9_-]{60})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it with `heroku authorizations:revoke` or in Account settings.',
    examples: {
      positive: [
        { text: 'KEY=HRKU-sXI1VrxU-g_6L3y7z-FaOS4Bd5TOfhkh6Zlnd6DP-HD_KlWo28N2mdBYPlUg', secret: 'HRKU-sXI1VrxU-g_6L3y7z-FaOS4Bd5TOfhkh6Zlnd6DP-HD_KlWo28N2mdBYPlUg' },
        { text: 'token: "HRKU-ChWn0RRa4K460UPfCG9FOi1v3oQ9sgD-byj5cSDQ_2zcawu0cXT2xSkYqHP8"', secret: 'HRKU-ChWn0RRa4K460UPfCG9FOi1v3oQ9sgD-byj5cSDQ_2zcawu0cXT2xSkYqHP8' },
      ],
      negative: [
        'KEY=HRKU-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'HRKU- is the prefix of Heroku API key values',
        // near miss: one character short
        'KEY=HRKU-sXI1VrxU-g_6L3y7z-FaOS4Bd5TOfhkh6Zlnd6DP-HD_KlWo28N2mdBYPlU',
      ],
    },
  },
  {
    id: 'heroku-api-key',
    title: 'Heroku API key (legacy UUID)',
    severity: 'high',
    provider: 'heroku',
    keywords: ['heroku'],
    pattern: /heroku[A-Za-z0-9_ .-]{0,20}(?:key|token|secret)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    revoke: 'Regenerate the API key in Heroku Account settings.',
    examples: {
      positive: [
        { text: 'HEROKU_API_KEY=2cf8c1d7-80ed-4524-ad3a-c4911bc0f6d0', secret: '2cf8c1d7-80ed-4524-ad3a-c4911bc0f6d0' },
        { text: 'heroku_token: "b807bf21-77ce-4d8f-a1ab-97cffb578094"', secret: 'b807bf21-77ce-4d8f-a1ab-97cffb578094' },
      ],
      negative: ['HEROKU_APP_ID=4a55b15e-e527-4613-a618-f68a692d3aa8', 'HEROKU_API_KEY=00000000-0000-0000-0000-000000000000'],
    },
  },
  {
    id: 'netlify-token',
    title: 'Netlify personal access token',
    severity: 'high',
    provider: 'netlify',
    keywords: ['nfp_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>nfp_[A-Za-z0-9]{36})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it at https://app.netlify.com/user/applications.',
    examples: {
      positive: [
        { text: 'KEY=nfp_Sl7pYoUMt3Fp1iJJuGy4W0s3XkVJRXrRaYLS', secret: 'nfp_Sl7pYoUMt3Fp1iJJuGy4W0s3XkVJRXrRaYLS' },
        { text: 'token: "nfp_I0qLdTGtW3LZFnGwFKRS9TEoXb7exWmqkilz"', secret: 'nfp_I0qLdTGtW3LZFnGwFKRS9TEoXb7exWmqkilz' },
      ],
      negative: [
        'KEY=nfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'nfp_ is the prefix of Netlify personal access token values',
        // near miss: one character short
        'KEY=nfp_Sl7pYoUMt3Fp1iJJuGy4W0s3XkVJRXrRaYL',
      ],
    },
  },
  {
    id: 'flyio-token',
    title: 'Fly.io access token',
    severity: 'high',
    provider: 'flyio',
    keywords: ['fo1_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>fo1_[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it with `fly tokens revoke`.',
    examples: {
      positive: [
        { text: 'KEY=fo1_02_EPD9o9hVdloE_Hb4hgO_3kV2ebPjK641uIflViMS', secret: 'fo1_02_EPD9o9hVdloE_Hb4hgO_3kV2ebPjK641uIflViMS' },
        { text: 'token: "fo1_Dd3-iCaeEAF8BzAF2BtX5rx0lrBEq03L6Z4IPooi6vt"', secret: 'fo1_Dd3-iCaeEAF8BzAF2BtX5rx0lrBEq03L6Z4IPooi6vt' },
      ],
      negative: [
        'KEY=fo1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'fo1_ is the prefix of Fly.io access token values',
        // near miss: one character short
        'KEY=fo1_02_EPD9o9hVdloE_Hb4hgO_3kV2ebPjK641uIflViM',
      ],
    },
  },
  {
    id: 'render-api-key',
    title: 'Render API key',
    severity: 'high',
    provider: 'render',
    keywords: ['rnd_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>rnd_[A-Za-z0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in the Render dashboard (Account settings > API keys).',
    examples: {
      positive: [
        { text: 'KEY=rnd_g3FgQ9GfoqgPzowc8EOBavIkpiS0oFsi', secret: 'rnd_g3FgQ9GfoqgPzowc8EOBavIkpiS0oFsi' },
        { text: 'token: "rnd_HTvJfrKCCvUC0WVHXYAbaghc0Ierwtmu"', secret: 'rnd_HTvJfrKCCvUC0WVHXYAbaghc0Ierwtmu' },
      ],
      negative: [
        'KEY=rnd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'rnd_ is the prefix of Render API key values',
        // near miss: one character short
        'KEY=rnd_g3FgQ9GfoqgPzowc8EOBavIkpiS0oFs',
      ],
    },
  },
  {
    id: 'vercel-token',
    title: 'Vercel access token',
    severity: 'high',
    provider: 'vercel',
    keywords: ['vcp_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>vcp_[A-Za-z0-9]{40,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it at https://vercel.com/account/tokens.',
    examples: {
      positive: [
        { text: 'KEY=vcp_2qKIs2OcM0XWNDAnrTj47ufBzgyqFNvpgO1IArH3zB48NweEPK65ecx2', secret: 'vcp_2qKIs2OcM0XWNDAnrTj47ufBzgyqFNvpgO1IArH3zB48NweEPK65ecx2' },
        { text: 'token: "vcp_b8AXuE3MyUrMZPzpZKxlTujLl8IpkUXL7B62yGG1Mxh8XIRPXfC9zIXq"', secret: 'vcp_b8AXuE3MyUrMZPzpZKxlTujLl8IpkUXL7B62yGG1Mxh8XIRPXfC9zIXq' },
      ],
      negative: [
        'KEY=vcp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'vcp_ is the prefix of Vercel access token values',
        // near miss: embedded in a longer token
        'KEY=Zqvcp_2qKIs2OcM0XWNDAnrTj47ufBzgyqFNvpgO1IArH3zB48NweEPK65ecx2',
      ],
    },
  },
  {
    id: 'supabase-access-token',
    title: 'Supabase personal access token',
    severity: 'high',
    provider: 'supabase',
    keywords: ['sbp_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sbp_[a-f0-9]{40})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke it at https://supabase.com/dashboard/account/tokens.',
    examples: {
      positive: [
        { text: 'KEY=sbp_8a52caacd6c7b8d960c68b840c9d393abc3dd61b', secret: 'sbp_8a52caacd6c7b8d960c68b840c9d393abc3dd61b' },
        { text: 'token: "sbp_67f142c916bcd98d2e4e4bfd5ff7337d1ff5806e"', secret: 'sbp_67f142c916bcd98d2e4e4bfd5ff7337d1ff5806e' },
      ],
      negative: [
        'KEY=sbp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sbp_ is the prefix of Supabase personal access token values',
        // near miss: one character short
        'KEY=sbp_8a52caacd6c7b8d960c68b840c9d393abc3dd61',
      ],
    },
  },
  {
    id: 'supabase-secret-key',
    title: 'Supabase secret API key',
    severity: 'critical',
    provider: 'supabase',
    keywords: ['sb_secret_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sb_secret_[A-Za-z0-9_-]{31})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete the secret key in the Supabase project API settings.',
    examples: {
      positive: [
        { text: 'KEY=sb_secret_9it_IfSr6s2tbm4JEjzQBqCawE2L9tY', secret: 'sb_secret_9it_IfSr6s2tbm4JEjzQBqCawE2L9tY' },
        { text: 'token: "sb_secret_M7m5sTobn6v2rOB3QsYgDrPlxIISDrJ"', secret: 'sb_secret_M7m5sTobn6v2rOB3QsYgDrPlxIISDrJ' },
      ],
      negative: [
        'KEY=sb_secret_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sb_secret_ is the prefix of Supabase secret API key values',
        // near miss: one character short
        'KEY=sb_secret_9it_IfSr6s2tbm4JEjzQBqCawE2L9t',
      ],
    },
  },
  {
    id: 'planetscale-service-token',
    title: 'PlanetScale service token',
    severity: 'high',
    provider: 'planetscale',
    keywords: ['pscale_tkn_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pscale_tkn_[A-Za-z0-9_.-]{32,64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the PlanetScale dashboard (organization or branch settings).',
    examples: {
      positive: [
        { text: 'KEY=pscale_tkn_UgBS2v59fvZZ4CNY4qz9GaawQCd0bezoOewC9MZ8NEZ', secret: 'pscale_tkn_UgBS2v59fvZZ4CNY4qz9GaawQCd0bezoOewC9MZ8NEZ' },
        { text: 'token: "pscale_tkn_pdCZlClACnl2drpX8Ur45wKrGtrm8el7TApNw8xgTHE"', secret: 'pscale_tkn_pdCZlClACnl2drpX8Ur45wKrGtrm8el7TApNw8xgTHE' },
      ],
      negative: [
        'KEY=pscale_tkn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pscale_tkn_ is the prefix of PlanetScale service token values',
        // near miss: embedded in a longer token
        'KEY=Zqpscale_tkn_UgBS2v59fvZZ4CNY4qz9GaawQCd0bezoOewC9MZ8NEZ',
      ],
    },
  },
  {
    id: 'planetscale-database-password',
    title: 'PlanetScale database password',
    severity: 'high',
    provider: 'planetscale',
    keywords: ['pscale_pw_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pscale_pw_[A-Za-z0-9_.-]{32,64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the PlanetScale dashboard (organization or branch settings).',
    examples: {
      positive: [
        { text: 'KEY=pscale_pw_O1S7qQTuP4G_J7n9oJ9HIzyd_mJDYqWdiYGEb4AElfV', secret: 'pscale_pw_O1S7qQTuP4G_J7n9oJ9HIzyd_mJDYqWdiYGEb4AElfV' },
        { text: 'token: "pscale_pw_smPpC67JfnKRusbrCIFzAIiTTkZXQDQ4Yl0lrH8F-OK"', secret: 'pscale_pw_smPpC67JfnKRusbrCIFzAIiTTkZXQDQ4Yl0lrH8F-OK' },
      ],
      negative: [
        'KEY=pscale_pw_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pscale_pw_ is the prefix of PlanetScale database password values',
        // near miss: embedded in a longer token
        'KEY=Zqpscale_pw_O1S7qQTuP4G_J7n9oJ9HIzyd_mJDYqWdiYGEb4AElfV',
      ],
    },
  },
  {
    id: 'planetscale-oauth-token',
    title: 'PlanetScale OAuth token',
    severity: 'high',
    provider: 'planetscale',
    keywords: ['pscale_oauth_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pscale_oauth_[A-Za-z0-9_.-]{32,64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the PlanetScale dashboard (organization or branch settings).',
    examples: {
      positive: [
        { text: 'KEY=pscale_oauth_DIbJ0lkxPVMbozPPVjioVFYaEW0hoQ9uIOP64t7jlkB', secret: 'pscale_oauth_DIbJ0lkxPVMbozPPVjioVFYaEW0hoQ9uIOP64t7jlkB' },
        { text: 'token: "pscale_oauth_7n4MY805fKfBE4nfCWVnG5LgNlKNBFyGa2Rv7_UimEt"', secret: 'pscale_oauth_7n4MY805fKfBE4nfCWVnG5LgNlKNBFyGa2Rv7_UimEt' },
      ],
      negative: ['KEY=pscale_oauth_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'pscale_oauth_ is the prefix of PlanetScale OAuth token values'],
    },
  },
]);
