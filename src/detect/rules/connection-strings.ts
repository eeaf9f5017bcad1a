import { defineRules } from '../rule.js';
import { validateConnStringPassword, validateUrlPassword } from '../validators/structured.js';

export const connectionStringRules = defineRules([
  {
    id: 'jdbc-url-password',
    title: 'JDBC URL with password',
    severity: 'high',
    provider: 'database',
    keywords: ['jdbc:'],
    pattern: /jdbc:[a-z0-9]{2,20}:[^\s"'<>]{0,200}?[?;&]password=(?<secret>[^\s;&"'<>]{3,128})/,
    minEntropy: 2.5,
    validate: validateUrlPassword,
    revoke: "Change the database user's password and move it out of the connection string.",
    examples: {
      positive: [
        { text: 'url=jdbc:postgresql://db.prod.internal:5432/app?user=app&password=Hq8vL2mX7pR4', secret: 'Hq8vL2mX7pR4' },
        { text: 'jdbc:sqlserver://sql01:1433;databaseName=erp;user=svc;password=Wm3kZ8qT5nB1x;encrypt=true', secret: 'Wm3kZ8qT5nB1x' },
      ],
      negative: ['jdbc:postgresql://db:5432/app?user=app&password=${DB_PASSWORD}', 'jdbc:mysql://localhost:3306/test?user=root&password=password'],
    },
  },
  {
    id: 'odbc-connection-string-password',
    title: 'ADO.NET/ODBC connection string with password',
    severity: 'high',
    provider: 'database',
    keywords: ['password=', 'pwd='],
    pattern: /(?:Server|Data Source|Host|Addr|Address)=[^;"'\n]{1,200};(?:[^;"'\n]{1,200};){0,8}?\s{0,2}(?:Password|Pwd)=(?<secret>[^;"'\n]{3,128})/i,
    minEntropy: 2.5,
    validate: validateConnStringPassword,
    revoke: "Change the login's password and keep connection strings in a secret store.",
    examples: {
      positive: [
        { text: '"Server=tcp:sql-prod.database.windows.net,1433;Initial Catalog=erp;User ID=svc;Password=Hq8vL2mX7pR4;Encrypt=True;"', secret: 'Hq8vL2mX7pR4' },
        { text: 'ConnectionString=Data Source=db01;Database=billing;User Id=app;Pwd=Wm3kZ8qT5nB1x;', secret: 'Wm3kZ8qT5nB1x' },
      ],
      negative: [
        'Server=db01;Database=x;User Id=sa;Password=<password>;',
        'Server=db01;Database=x;Integrated Security=true;',
        // near miss: a template variable in context
        'Server=db01;Database=billing;User Id=app;Password=${SQL_PASSWORD};',
      ],
    },
  },
]);
